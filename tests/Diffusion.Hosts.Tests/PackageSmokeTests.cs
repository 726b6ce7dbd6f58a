using System.Diagnostics;

namespace Diffusion.Hosts.Tests;

/// <summary>
/// scripts/package-smoke.sh: pack, `dotnet new diffusion-plugin`, add a DPM-2 sampler, build and test it, run it with the
/// CLI, embed it in an app through the Diffusion.Hosting and Diffusion.Plugins packages. (With --empty-cache the script
/// also proves a clean NuGet cache suffices; that downloads libtorch and is run by hand, see docs/packages.md.)
/// </summary>
public sealed class PackageSmokeTests
{
    [Fact]
    public async Task A_stranger_builds_tests_runs_and_embeds_a_plugin_from_the_packages()
    {
        var info = new ProcessStartInfo("bash") { WorkingDirectory = CliProcess.RepoRoot, RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(Path.Combine(CliProcess.RepoRoot, "scripts", "package-smoke.sh"));
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromMinutes(15)).Token);

        var output = await stdout + await stderr;
        process.ExitCode.Should().Be(0, output);
        output.Should().Contain("package smoke: OK").And.Contain("modes_found");
    }
}
