using System.Diagnostics;
using System.Reflection;
using System.Text;

namespace Diffusion.Hosts.Tests;

/// <summary>Runs the built <c>diffuse</c> CLI as a child process, the way a user does.</summary>
public static class CliProcess
{
    public static string RepoRoot { get; } = FindRepoRoot();

    public static string CliDll
    {
        get
        {
            var configuration = typeof(CliProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().First(a => a.Key == "Configuration").Value;
            return Path.Combine(RepoRoot, "hosts", "Diffusion.Cli", "bin", configuration!, "net10.0", "diffuse.dll");
        }
    }

    public static ProcessStartInfo StartInfo(string workingDirectory, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(CliDll);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        // Plain-line output: the CLI draws progress bars only on a terminal.
        info.Environment["TERM"] = "dumb";
        info.Environment["NO_COLOR"] = "1";
        return info;
    }

    public static async Task<CliResult> RunAsync(string workingDirectory, params string[] args)
    {
        using var process = Process.Start(StartInfo(workingDirectory, args))!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await process.WaitForExitAsync(timeout.Token);
        return new CliResult(process.ExitCode, await stdout, await stderr);
    }

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Pipeline.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Pipeline.sln not found above the test folder.");
    }
}

public sealed record CliResult(int ExitCode, string Stdout, string Stderr)
{
    public string All => Stdout + Stderr;

    public override string ToString() => new StringBuilder().Append("exit ").Append(ExitCode).AppendLine().AppendLine(Stdout).AppendLine(Stderr).ToString();
}
