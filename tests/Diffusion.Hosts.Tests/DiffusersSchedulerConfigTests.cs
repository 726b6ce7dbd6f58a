namespace Diffusion.Hosts.Tests;

/// <summary>A diffusers scheduler_config.json becomes our scheduler + sampler pair inside a pipeline.</summary>
public sealed class DiffusersSchedulerConfigTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("diffuse-diffusers-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Fact]
    public async Task Scheduler_config_drives_sampling()
    {
        File.WriteAllText(Path.Combine(folder, "scheduler_config.json"), """
        { "_class_name": "EulerDiscreteScheduler", "_diffusers_version": "0.30.0", "num_train_timesteps": 1000,
          "beta_start": 0.0001, "beta_end": 0.02, "beta_schedule": "linear", "timestep_spacing": "linspace",
          "use_karras_sigmas": true, "prediction_type": "epsilon" }
        """);
        var pipeline = Write("""
        {
          "version": 1,
          "nodes": {
            "cfg":    { "type": "scheduler.from_diffusers", "params": { "path": "scheduler_config.json" } },
            "net":    { "type": "denoiser.mlp2d", "params": { "checkpoint": "MODEL" } },
            "sample": { "type": "sample", "inputs": { "sampler": "cfg.sampler", "denoiser": "net", "scheduler": "cfg.scheduler" },
                        "params": { "steps": 12, "count": 64, "seed": 3 } }
          }
        }
        """);

        var result = await CliProcess.RunAsync(folder, "run", pipeline, "--input-root", ModelFolder);

        result.ExitCode.Should().Be(0, result.ToString());
        result.Stdout.Should().Contain("euler-12", "the EulerDiscreteScheduler config maps to sampler.euler");
    }

    [Fact]
    public async Task Unknown_config_field_fails_naming_the_field()
    {
        File.WriteAllText(Path.Combine(folder, "scheduler_config.json"), """
        { "_class_name": "DDIMScheduler", "num_train_timesteps": 1000, "beta_schedul": "linear" }
        """);
        var pipeline = Write("""
        {
          "version": 1,
          "nodes": {
            "cfg":    { "type": "scheduler.from_diffusers", "params": { "path": "scheduler_config.json" } },
            "net":    { "type": "denoiser.mlp2d", "params": { "checkpoint": "MODEL" } },
            "sample": { "type": "sample", "inputs": { "sampler": "cfg.sampler", "denoiser": "net", "scheduler": "cfg.scheduler" },
                        "params": { "steps": 5, "count": 8 } }
          }
        }
        """);

        var result = await CliProcess.RunAsync(folder, "run", pipeline, "--input-root", ModelFolder);

        result.ExitCode.Should().Be(2, "a config file the node cannot use is invalid input; " + result);
        result.All.Should().Contain("beta_schedul").And.Contain("DDIMScheduler");
    }

    // The shipped model lives outside this test's folder: an input root the runs name explicitly.
    private static string ModelFolder => Path.Combine(CliProcess.RepoRoot, "pipelines", "models");

    private string Write(string json)
    {
        var model = Path.Combine(ModelFolder, "toy2d-two-moons.safetensors").Replace("\\", "/", StringComparison.Ordinal);
        var path = Path.Combine(folder, "pipeline.json");
        File.WriteAllText(path, json.Replace("MODEL", model, StringComparison.Ordinal));
        return path;
    }
}
