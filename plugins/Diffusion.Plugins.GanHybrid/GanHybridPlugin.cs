using Diffusion.Contracts;

namespace Diffusion.Plugins.GanHybrid;

/// <summary>The GanHybrid plugin: Denoising Diffusion GANs (scheduler.ddgan, denoiser.ddgan, train.ddgan, sampler.ddgan).</summary>
public sealed class GanHybridPlugin : IDiffusionPlugin
{
    /// <inheritdoc />
    public void Register(IPluginRegistrar registrar)
    {
        ArgumentNullException.ThrowIfNull(registrar);
        registrar.AddNodeType(new DdganSchedulerNode());
        registrar.AddNodeType(new DdganGeneratorNode());
        registrar.AddNodeType(new DdganTrainNode());
        registrar.AddNodeType(new DdganSamplerNode());
    }
}
