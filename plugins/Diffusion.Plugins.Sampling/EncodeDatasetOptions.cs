using Diffusion.Contracts;

namespace Diffusion.Plugins.Sampling;

/// <summary>Params of the <c>dataset.encode</c> node.</summary>
public sealed record EncodeDatasetOptions
{
    [Param("Sample the posterior for every item (true, as latent-diffusion training does) instead of taking its mean (false).")]
    public bool Sample { get; init; } = true;
}
