using Diffusion.Contracts;

namespace Diffusion.Plugins.Sampling;

/// <summary>Params of the <c>encode</c> node.</summary>
public sealed record EncodeOptions
{
    [Param("Sample the posterior (true) instead of taking its mean (false, diffusers' argmax mode).")]
    public bool Sample { get; init; }

    [Param("Seed of the posterior sample (null: the run's seed).")]
    public long? Seed { get; init; }
}
