using System.Diagnostics;
using Diffusion.Torch;
using Xunit.Abstractions;

namespace Diffusion.Hosts.Tests;

public sealed class CancellationTests(ITestOutputHelper output) : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("diffuse-cancel-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Fact]
    public async Task Sigint_exits_130_promptly_and_keeps_written_checkpoints()
    {
        var pipeline = Path.Combine(folder, "long.json");
        File.WriteAllText(pipeline, """
        {
          "version": 1,
          "nodes": {
            "data":  { "type": "dataset.toy2d", "params": { "shape": "two_moons" } },
            "net":   { "type": "denoiser.mlp2d", "params": { "hidden": 32 } },
            "sched": { "type": "scheduler.discrete" },
            "train": { "type": "train.denoising", "inputs": { "data": "data", "denoiser": "net", "scheduler": "sched" },
                       "params": { "steps": 10000000, "batch": 32, "checkpoint_every": 20, "checkpoint_path": "ckpt.safetensors" } }
          }
        }
        """);
        var checkpoint = Path.Combine(folder, "out", "ckpt.safetensors");

        using var process = Process.Start(CliProcess.StartInfo(folder, "run", pipeline))!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        var waited = Stopwatch.StartNew();
        while (!File.Exists(checkpoint) && !process.HasExited && waited.Elapsed < TimeSpan.FromMinutes(2))
        {
            await Task.Delay(50);
        }

        if (!File.Exists(checkpoint))
        {
            Assert.Fail($"training should write a checkpoint every 20 steps; {await Finish(process, stdout, stderr)}");
        }
        await Task.Delay(300);

        var clock = Stopwatch.StartNew();
        using (var kill = Process.Start("kill", ["-INT", process.Id.ToString()]))
        {
            await kill!.WaitForExitAsync();
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await process.WaitForExitAsync(timeout.Token);
        var latency = clock.Elapsed;
        output.WriteLine($"exit {process.ExitCode} {latency.TotalMilliseconds:F0} ms after SIGINT");
        output.WriteLine(await stdout);
        output.WriteLine(await stderr);

        process.ExitCode.Should().Be(130);
        latency.Should().BeLessThan(TimeSpan.FromSeconds(5), "the CLI cancels at once and exits after a short grace period");
        var header = SafeTensors.ReadHeader(checkpoint);
        header.Tensors.Should().NotBeEmpty("the checkpoint written before the signal is complete (atomic writes)");
    }

    private static async Task<string> Finish(Process process, Task<string> stdout, Task<string> stderr)
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
        }

        await process.WaitForExitAsync();
        return $"exit {process.ExitCode}: {await stdout} {await stderr}";
    }
}
