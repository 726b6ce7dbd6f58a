using Diffusion.Contracts;
using Diffusion.Testing;
using TorchSharp;
using Xunit;

namespace Acme.MyPlugin.Tests;

/// <summary>The sampler in a real host, on the built-in exact denoiser of eight Gaussians (no network error to hide behind).</summary>
public sealed class MySamplerTests
{
    private const string Pipeline = """
        {
          "version": 1,
          "nodes": {
            "sched":   { "type": "scheduler.discrete", "params": { "timestep_spacing": "trailing" } },
            "exact":   { "type": "denoiser.gaussian_mixture", "inputs": { "scheduler": "sched" }, "params": { "preset": "eight_gaussians" } },
            "sampler": { "type": "sampler.acme_myplugin" },
            "sample":  { "type": "sample", "inputs": { "sampler": "sampler", "denoiser": "exact", "scheduler": "sched" },
                         "params": { "steps": 30, "count": 512, "seed": 1 } }
          }
        }
        """;

    [Fact]
    public async Task Samples_land_on_the_eight_modes()
    {
        await using var host = PluginTestHost.ForPlugin<MyPlugin>(includeBuiltInPlugins: true);

        var run = await host.RunPipelineAsync(Pipeline);

        Assert.True(run.Failures.Count == 0, string.Join("; ", run.Failures.Select(f => f.Message)));
        using var samples = run.Output<torch.Tensor>("sample", "samples");
        // The modes sit on the circle of radius 2 with standard deviation 0.1: the mean radius must be close to 2.
        double meanRadius = samples.square().sum(1).sqrt().mean().item<float>();
        Assert.InRange(meanRadius, 1.9, 2.1);
    }

    [Fact]
    public async Task Churn_out_of_range_is_a_validation_error_with_its_pointer()
    {
        await using var host = PluginTestHost.ForPlugin<MyPlugin>();

        var error = await Assert.ThrowsAsync<Diffusion.Core.PipelineValidationException>(() => host.RunNodeAsync("sampler.acme_myplugin", new { churn = 2.0 }));

        Assert.Contains(error.Issues, i => i.Pointer == "/nodes/node/params/churn" && i.Code == ValidationCodes.ParamValue);
    }
}
