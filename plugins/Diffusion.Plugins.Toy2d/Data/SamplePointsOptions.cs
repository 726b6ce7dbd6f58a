using Diffusion.Contracts;

namespace Diffusion.Plugins.Toy2d;

/// <summary>Params of <c>dataset.sample_points</c>.</summary>
public sealed record SamplePointsOptions
{
    [Param("Number of points to draw.", Min = 1, Max = 1_000_000)]
    public int Count { get; init; } = 2000;

    [Param("Seed of the generator; absent = the run's seed.")]
    public long? Seed { get; init; }
}
