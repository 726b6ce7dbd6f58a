using Diffusion.Contracts;
using Diffusion.Sdk;

namespace Diffusion.Plugins.Ddim;

/// <summary>The <c>sampler.ddim</c> node: outputs a configured <see cref="DdimSampler"/>.</summary>
public sealed class DdimSamplerNode : SamplerNodeType<DdimSamplerOptions>
{
    /// <inheritdoc />
    protected override string Name => "sampler.ddim";

    /// <inheritdoc />
    protected override string Description => "DDIM sampling (Song et al. 2021, Eq. 12) with η; needs a discrete (ᾱ table) schedule.";

    /// <inheritdoc />
    protected override ISampler Create(DdimSamplerOptions options) => new DdimSampler(options);
}
