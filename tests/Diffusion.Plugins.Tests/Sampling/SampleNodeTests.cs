using System.Text.Json.Nodes;
using Diffusion.Contracts;
using Diffusion.Plugins.Tests.Parity;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Plugins.Tests.Sampling;

public sealed class SampleNodeTests
{
    [Fact]
    public void Mapped_ddim_config_rejects_an_unknown_field_by_name()
    {
        var mapping = PluginCatalog.Instance.Mappings.First(m => m.ClassNames.Contains("DDIMScheduler"));
        var act = () => mapping.Map("DDIMScheduler", new JsonObject { ["use_karras_sigmas"] = true });
        act.Should().Throw<NotSupportedException>().WithMessage("*DDIMScheduler*use_karras_sigmas*");
    }

    [Fact]
    public void Chunked_sampling_draws_the_same_noise_as_one_batch_for_a_deterministic_model()
    {
        // DDIM η = 0 draws only x_T, so chunks of 2 and 1 from one generator must equal a batch of 3.
        var catalog = PluginCatalog.Instance;
        var scheduler = catalog.Instantiate<IScheduler>(new NodeSpec("scheduler.discrete", []), "scheduler");
        var sampler = catalog.Instantiate<ISampler>(new NodeSpec("sampler.ddim", []), "sampler");
        var denoiser = new StandInDenoiser("eps = model_input * t / (t + 1)", [2]);
        using var whole = Run(catalog, sampler, denoiser, scheduler, batchSize: 0);
        using var chunked = Run(catalog, sampler, denoiser, scheduler, batchSize: 2);
        whole.shape.Should().Equal(3, 2);
        chunked.allclose(whole).Should().BeTrue();
    }

    private static Tensor Run(PluginCatalog catalog, ISampler sampler, IDenoiser denoiser, IScheduler scheduler, int batchSize)
    {
        var spec = new NodeSpec("sample", new JsonObject { ["steps"] = 5, ["count"] = 3, ["seed"] = 7, ["batch_size"] = batchSize });
        var inputs = new Dictionary<string, object> { ["sampler"] = sampler, ["denoiser"] = denoiser, ["scheduler"] = scheduler };
        return (Tensor)catalog.Run(spec, inputs)["samples"];
    }
}
