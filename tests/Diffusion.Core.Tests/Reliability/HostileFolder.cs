using System.Diagnostics;

namespace Diffusion.Core.Tests.Reliability;

/// <summary>
/// A temp folder laid out like the repository (<c>pipelines/</c> with <c>models/</c>, <c>data/</c> beside it) plus the
/// things a hostile pipeline reaches for: a secret outside every root, links leading out, a FIFO, an output folder.
/// </summary>
public sealed class HostileFolder : IDisposable
{
    public HostileFolder()
    {
        Root = Directory.CreateTempSubdirectory("diffusion-hostile-").FullName;
        Directory.CreateDirectory(Pipelines);
        Directory.CreateDirectory(Path.Combine(Pipelines, "models"));
        Directory.CreateDirectory(Data);
        Directory.CreateDirectory(Secret);
        Directory.CreateDirectory(Output);
        File.WriteAllText(Path.Combine(Pipelines, "models", "three.txt"), "3");
        File.WriteAllText(Path.Combine(Data, "four.txt"), "4");
        File.WriteAllText(Path.Combine(Secret, "secret.txt"), "42");
        File.CreateSymbolicLink(Path.Combine(Pipelines, "link.txt"), Path.Combine(Secret, "secret.txt"));
        MakeFifo(Path.Combine(Pipelines, "fifo.txt"));
    }

    public string Root { get; }

    public string Pipelines => Path.Combine(Root, "pipelines");

    public string Data => Path.Combine(Root, "data");

    public string Secret => Path.Combine(Root, "secret");

    public string Output => Path.Combine(Root, "out");

    /// <summary>Where the pipeline "file" is: relative inputs resolve against its folder.</summary>
    public string PipelineFile => Path.Combine(Pipelines, "p.json");

    public static void MakeFifo(string path)
    {
        using var process = Process.Start("mkfifo", [path]);
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new IOException($"mkfifo {path} failed with exit {process.ExitCode}.");
        }
    }

    public void Dispose() => Directory.Delete(Root, recursive: true);
}
