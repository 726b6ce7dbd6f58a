using Diffusion.Contracts;
using Diffusion.Sdk;

namespace Diffusion.Plugins.GanHybrid;

/// <summary>The <c>sampler.ddgan</c> node: outputs a configured <see cref="DdganSampler"/>.</summary>
public sealed class DdganSamplerNode : SamplerNodeType<DdganSamplerOptions>
{
    /// <inheritdoc />
    protected override string Name => "sampler.ddgan";

    /// <inheritdoc />
    protected override string Description => "Denoising Diffusion GAN sampling (Xiao et al. 2022): T generator calls, each x̂_0 = G(x_t, z, t) followed by a posterior draw q(x_{t-1} | x_t, x̂_0); needs scheduler.ddgan and a denoiser predicting sample.";

    /// <inheritdoc />
    protected override ISampler Create(DdganSamplerOptions options) => new DdganSampler(options);
}
