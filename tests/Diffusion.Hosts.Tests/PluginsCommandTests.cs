using System.Text.RegularExpressions;

namespace Diffusion.Hosts.Tests;

public sealed partial class PluginsCommandTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("diffuse-plugins-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Fact]
    public async Task Lists_loaded_incompatible_and_throwing_plugins_and_keeps_running()
    {
        var hello = Path.Combine(CliProcess.RepoRoot, "samples", "HelloPlugin", "bin", "plugin");
        var throwing = Path.Combine(CliProcess.RepoRoot, "tests", "Diffusion.Core.Tests", "Plugins", "TestPlugins", "ThrowingPlugin", "bin", "plugin");
        var root = Path.Combine(folder, "plugins");
        Copy(hello, Path.Combine(root, "hello"));
        Copy(throwing, Path.Combine(root, "throwing"));
        var future = Path.Combine(root, "future");
        Copy(hello, future);
        var manifest = Path.Combine(future, "plugin.json");
        File.WriteAllText(manifest, ContractsField().Replace(File.ReadAllText(manifest), "\"contracts\": \"2.0\"").Replace("samples.hello", "samples.future"));

        var result = await CliProcess.RunAsync(folder, "plugins", "--plugins", root);

        result.ExitCode.Should().Be(0, result.ToString());
        result.Stdout.Should().Contain("samples.hello").And.Contain("transform.scale").And.Contain("loaded");
        result.Stdout.Should().Contain("IncompatibleContracts");
        result.Stdout.Should().Contain("RegistrationFailed");
        result.Stdout.Should().Contain("diffusion.ddim", "built-in plugins load through the same path");
    }

    [Fact]
    public async Task Third_party_node_runs_from_a_pipeline()
    {
        var hello = Path.Combine(CliProcess.RepoRoot, "samples", "HelloPlugin", "bin", "plugin");
        var pipeline = Path.Combine(folder, "hello.json");
        File.WriteAllText(pipeline, """
        {
          "version": 1,
          "nodes": {
            "data":   { "type": "dataset.toy2d", "params": { "shape": "eight_gaussians" } },
            "points": { "type": "dataset.sample_points", "inputs": { "dataset": "data" }, "params": { "count": 500, "seed": 3 } },
            "scaled": { "type": "transform.scale", "inputs": { "input": "points" }, "params": { "factor": 0.5 } },
            "plot":   { "type": "output.scatter_png", "inputs": { "points": "scaled" }, "params": { "path": "scaled.png" } }
          }
        }
        """);

        var result = await CliProcess.RunAsync(folder, "run", pipeline, "--plugins", hello);

        result.ExitCode.Should().Be(0, result.ToString());
        File.Exists(Path.Combine(folder, "out", "scaled.png")).Should().BeTrue();
    }

    private static void Copy(string from, string to)
    {
        Directory.Exists(from).Should().BeTrue($"{from} is built by this test project's references");
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    [GeneratedRegex("\"contracts\"\\s*:\\s*\"[^\"]*\"")]
    private static partial Regex ContractsField();
}
