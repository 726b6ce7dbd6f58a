using Diffusion.Contracts;

namespace Diffusion.Plugins.Distillation;

/// <summary>The Distillation plugin: train.distill, train.consistency, denoiser.consistency, sampler.consistency, output.denoiser.</summary>
public sealed class DistillationPlugin : IDiffusionPlugin
{
    /// <inheritdoc />
    public void Register(IPluginRegistrar registrar)
    {
        ArgumentNullException.ThrowIfNull(registrar);
        registrar.AddNodeType(new ProgressiveDistillNode());
        registrar.AddNodeType(new ConsistencyDistillNode());
        registrar.AddNodeType(new ConsistencyDenoiserNode());
        registrar.AddNodeType(new ConsistencySamplerNode());
        registrar.AddNodeType(new SaveDenoiserNode());
    }
}
