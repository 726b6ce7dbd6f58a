using Diffusion.Contracts;
using Diffusion.Sdk;

namespace Diffusion.Plugins.Ddpm;

/// <summary>The <c>sampler.ddpm</c> node: outputs a configured <see cref="DdpmSampler"/>.</summary>
public sealed class DdpmSamplerNode : SamplerNodeType<DdpmSamplerOptions>
{
    /// <inheritdoc />
    protected override string Name => "sampler.ddpm";

    /// <inheritdoc />
    protected override string Description => "DDPM ancestral sampling (Ho et al. 2020, Algorithm 2); needs a discrete (ᾱ table) schedule.";

    /// <inheritdoc />
    protected override ISampler Create(DdpmSamplerOptions options) => new DdpmSampler(options);
}
