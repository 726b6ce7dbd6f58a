namespace Diffusion.Hosts.Tests;

public sealed class InfoCommandTests
{
    [Fact]
    public async Task Info_reports_versions_native_libraries_and_plugins()
    {
        var result = await CliProcess.RunAsync(CliProcess.RepoRoot, "info");

        result.ExitCode.Should().Be(0, result.ToString());
        result.Stdout.Should().Contain("TorchSharp").And.Contain("0.107.0").And.Contain("compatibility copy").And.Contain("libtorch");
    }

    [Fact]
    public async Task Unknown_command_is_invalid_input()
    {
        var result = await CliProcess.RunAsync(CliProcess.RepoRoot, "frobnicate");

        result.ExitCode.Should().NotBe(0);
    }
}
