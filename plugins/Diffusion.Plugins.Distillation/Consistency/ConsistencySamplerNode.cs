using Diffusion.Contracts;
using Diffusion.Sdk;

namespace Diffusion.Plugins.Distillation;

/// <summary>The <c>sampler.consistency</c> node: outputs a configured <see cref="ConsistencySampler"/>.</summary>
public sealed class ConsistencySamplerNode : SamplerNodeType<ConsistencySamplerOptions>
{
    /// <inheritdoc />
    protected override string Name => "sampler.consistency";

    /// <inheritdoc />
    protected override string Description => "Multistep consistency sampling (Song et al. 2023, Algorithm 1): one call of a consistency model per schedule step, re-noising its x0 estimate to each next σ; needs a sigma schedule and a denoiser predicting sample (denoiser.consistency, train.consistency).";

    /// <inheritdoc />
    protected override ISampler Create(ConsistencySamplerOptions options) => new ConsistencySampler(options);
}
