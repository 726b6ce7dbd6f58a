using Diffusion.Contracts;

namespace Diffusion.Plugins.Toy2d;

/// <summary>Params of <c>eval.points</c>.</summary>
public sealed record EvalPointsOptions
{
    [Param("Points in each true reference set (0: as many as the samples).", Min = 0, Max = 1_000_000)]
    public int CountReference { get; init; }

    [Param("Seed of the reference points and projection directions.")]
    public long Seed { get; init; } = 12345;

    [Param("Random unit directions for the sliced Wasserstein distance.", Min = 1, Max = 100000)]
    public int Projections { get; init; } = 256;

    [Param("RBF kernel bandwidths h, summed, for MMD².")]
    public double[] MmdBandwidths { get; init; } = [0.05, 0.1, 0.2, 0.5, 1.0];

    [Param("Label of the metric set in tables (absent: the node id).")]
    public string? Label { get; init; }
}
