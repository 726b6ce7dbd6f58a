using System.Diagnostics;

namespace Diffusion.Hosts.Tests;

/// <summary>
/// The CLI under hostile input, as root (where a rename over /dev/null replaces the device): nothing is written
/// outside --out, no device or existing file is touched, every input problem exits 2 with a message that names the
/// file or the pointer, and nothing printed carries raw control characters.
/// </summary>
public sealed class HostileInputTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("diffuse-hostile-").FullName;

    public HostileInputTests()
    {
        Directory.CreateDirectory(Pipelines);
        File.Copy(Path.Combine(CliProcess.RepoRoot, "pipelines", "models", "toy2d-two-moons.safetensors"), Path.Combine(Pipelines, "moons.safetensors"));
    }

    private string Pipelines => Path.Combine(folder, "pipelines");

    private string Out => Path.Combine(folder, "out");

    public void Dispose() => Directory.Delete(folder, recursive: true);

    private string Write(string plotPath, string checkpoint = "moons.safetensors", string title = "")
    {
        var path = Path.Combine(Pipelines, "p.json");
        File.WriteAllText(path, $$"""
            {
              "version": 1,
              "nodes": {
                "sched":  { "type": "scheduler.discrete" },
                "net":    { "type": "denoiser.mlp2d", "params": { "checkpoint": "{{checkpoint}}" } },
                "ddim":   { "type": "sampler.ddim" },
                "sample": { "type": "sample", "inputs": { "sampler": "ddim", "denoiser": "net", "scheduler": "sched" }, "params": { "steps": 3, "count": 16 } },
                "plot":   { "type": "output.scatter_png", "inputs": { "points": "sample.samples" }, "params": { "path": "{{plotPath}}", "title": "{{title}}" } }
              }
            }
            """);
        return path;
    }

    private Task<CliResult> Run(string pipeline, params string[] extra) => CliProcess.RunAsync(folder, ["run", pipeline, "--out", Out, .. extra]);

    private static void NoRawControlCharacters(CliResult result) =>
        result.All.Where(c => char.IsControl(c) && c is not ('\n' or '\r' or '\t')).Should().BeEmpty("output is sanitised: " + result);

    [Theory]
    [InlineData("/dev/zero", "character device")]
    [InlineData("FIFO", "named pipe (FIFO)")]
    [InlineData("FOLDER", "is a directory")]
    public async Task Validate_refuses_files_that_are_not_regular_at_once(string target, string why)
    {
        var path = target switch
        {
            "FIFO" => Fifo(Path.Combine(folder, "pipe.json")),
            "FOLDER" => Pipelines,
            _ => target,
        };

        var clock = Stopwatch.StartNew();
        var result = await CliProcess.RunAsync(folder, "validate", path);

        result.ExitCode.Should().Be(2, result.ToString());
        result.Stderr.Should().Contain(path).And.Contain(why);
        clock.Elapsed.Should().BeLessThan(TimeSpan.FromMinutes(2), "nothing is read or waited for");
    }

    [Theory]
    [InlineData("/tmp/diffuse-evil.png", "absolute path")]
    [InlineData("../../evil.png", "climbs out")]
    public async Task Outputs_outside_out_are_validation_errors_with_a_pointer(string plotPath, string why)
    {
        var result = await CliProcess.RunAsync(folder, "validate", Write(plotPath));

        result.ExitCode.Should().Be(2, result.ToString());
        result.Stderr.Should().Contain("/nodes/plot/params/path").And.Contain(why).And.Contain("path_outside_root");
        File.Exists("/tmp/diffuse-evil.png").Should().BeFalse();
    }

    [Fact]
    public async Task A_link_in_out_that_leads_outside_is_refused_and_nothing_is_written_there()
    {
        var outside = Directory.CreateDirectory(Path.Combine(folder, "outside")).FullName;
        Directory.CreateDirectory(Out);
        Directory.CreateSymbolicLink(Path.Combine(Out, "escape"), outside);

        var result = await Run(Write("escape/plot.png"));

        result.ExitCode.Should().Be(2, result.ToString());
        result.Stderr.Should().Contain("symbolic link");
        Directory.GetFiles(outside).Should().BeEmpty();
    }

    [Fact]
    public async Task A_link_to_dev_null_is_not_written_through_even_with_overwrite()
    {
        Directory.CreateDirectory(Out);
        File.CreateSymbolicLink(Path.Combine(Out, "plot.png"), "/dev/null");

        var result = await Run(Write("plot.png"), "--overwrite");

        result.ExitCode.Should().Be(2, result.ToString());
        Diffusion.Torch.Files.FileProbe.Inspect("/dev/null").Kind.Should().Be(Diffusion.Torch.Files.FileEntryKind.CharacterDevice);
    }

    [Fact]
    public async Task A_second_run_does_not_replace_outputs_unless_asked()
    {
        var pipeline = Write("plot.png");
        (await Run(pipeline)).ExitCode.Should().Be(0);
        var plot = Path.Combine(Out, "plot.png");
        var written = File.GetLastWriteTimeUtc(plot);

        var again = await Run(pipeline);

        again.ExitCode.Should().Be(2, again.ToString());
        again.Stderr.Should().Contain("already exists").And.Contain("--overwrite");
        File.GetLastWriteTimeUtc(plot).Should().Be(written);
        (await Run(pipeline, "--overwrite")).ExitCode.Should().Be(0);
    }

    [Fact]
    public async Task A_corrupt_checkpoint_exits_2_with_one_line_naming_the_file()
    {
        File.WriteAllText(Path.Combine(Pipelines, "broken.safetensors"), "{ not a checkpoint }");

        var result = await Run(Write("plot.png", checkpoint: "broken.safetensors"));

        result.ExitCode.Should().Be(2, result.ToString());
        result.All.Should().Contain("broken.safetensors").And.NotContain("frame #").And.NotContain("   at ");
    }

    [Theory]
    [InlineData("", "is empty")]
    [InlineData("/etc/passwd", "outside the input folders")]
    [InlineData("nope.safetensors", "does not exist")]
    public async Task Checkpoint_paths_are_checked_by_validate(string checkpoint, string why)
    {
        var result = await CliProcess.RunAsync(folder, "validate", Write("plot.png", checkpoint: checkpoint));

        result.ExitCode.Should().Be(2, result.ToString());
        result.Stderr.Should().Contain("/nodes/net/params/checkpoint").And.Contain(why);
    }

    [Fact]
    public async Task A_device_the_runtime_does_not_know_is_invalid_input()
    {
        var option = await CliProcess.RunAsync(folder, "validate", Write("plot.png"), "--device", "TPU");
        var param = await CliProcess.RunAsync(folder, "validate", Write("plot.png"), "--set", "sample.params.device=TPU");

        option.ExitCode.Should().Be(2, option.ToString());
        option.Stderr.Should().Contain("--device").And.Contain("TPU");
        param.ExitCode.Should().Be(2, param.ToString());
        param.Stderr.Should().Contain("/nodes/sample/params/device").And.NotContain("Requested value");
    }

    [Fact]
    public async Task Escape_sequences_from_the_pipeline_never_reach_the_terminal()
    {
        var path = Path.Combine(Pipelines, "esc.json");
        File.WriteAllText(path, "{ \"nodes\": { \"x\\u001b[2J\": { \"type\": \"y\\u001b]0;pwned\\u0007\" }, \"ok\": { \"type\": \"bad\\u001b[31mtype\" } } }");

        var result = await CliProcess.RunAsync(folder, "validate", path);

        result.ExitCode.Should().Be(2, result.ToString());
        NoRawControlCharacters(result);
        result.Stderr.Should().Contain("\\x1b");
    }

    private static string Fifo(string path)
    {
        using var process = Process.Start("mkfifo", [path]);
        process.WaitForExit();
        return path;
    }
}
