using System.Diagnostics;
using System.Reflection;
using System.Text.RegularExpressions;

namespace Diffusion.Hosts.Tests;

/// <summary>The README's embedding snippet is samples/EmbeddingApp/Program.cs, and that program runs a shipped pipeline.</summary>
public sealed partial class EmbeddingSampleTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("diffusion-embed-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Fact]
    public void The_readme_shows_the_compiled_sample()
    {
        var program = File.ReadAllText(Path.Combine(CliProcess.RepoRoot, "samples", "EmbeddingApp", "Program.cs"));
        var readme = File.ReadAllText(Path.Combine(CliProcess.RepoRoot, "README.md"));

        var block = EmbeddingBlock().Match(readme);
        block.Success.Should().BeTrue("README.md must show the embedding example in a ```csharp block after '<!-- embedding-sample -->'");
        Normalize(block.Groups["code"].Value).Should().Be(Normalize(program), "the README's snippet is the compiled, tested sample");
    }

    [Fact]
    public async Task The_sample_app_runs_a_pipeline_with_the_built_in_plugins()
    {
        var configuration = typeof(CliProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().First(a => a.Key == "Configuration").Value;
        var app = Path.Combine(CliProcess.RepoRoot, "samples", "EmbeddingApp", "bin", configuration!, "net10.0", "EmbeddingApp.dll");
        var info = new ProcessStartInfo("dotnet") { WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { app, "--pipeline", Path.Combine(CliProcess.RepoRoot, "pipelines", "toy2d-sample.json"), "--Diffusion:Device", "cpu", "--Diffusion:OutputDirectory", folder })
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromMinutes(3)).Token);

        var output = await stdout + await stderr;
        process.ExitCode.Should().Be(0, output);
        output.Should().Contain("RunFinished");
        Directory.GetFiles(folder, "*.png", SearchOption.AllDirectories).Should().NotBeEmpty(output);
    }

    private static string Normalize(string text) => text.Replace("\r\n", "\n", StringComparison.Ordinal).Trim();

    [GeneratedRegex(@"<!-- embedding-sample -->\s*```csharp\n(?<code>.*?)```", RegexOptions.Singleline)]
    private static partial Regex EmbeddingBlock();
}
