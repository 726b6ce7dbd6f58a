using Diffusion.Contracts;

namespace Diffusion.Plugins.Toy2d;

/// <summary>Params of <c>eval.points</c>.</summary>
public sealed record EvalPointsOptions
{
    /// <summary>Number of fresh true points per reference set (0: as many as the samples).</summary>
    [Param("Points in each true reference set (0: as many as the samples).", Min = 0, Max = 1_000_000)]
    public int CountReference { get; init; }

    /// <summary>Seed of the references and projections.</summary>
    [Param("Seed of the reference points and projection directions.")]
    public long Seed { get; init; } = 12345;

    /// <summary>Number of random directions for the sliced Wasserstein distance.</summary>
    [Param("Random unit directions for the sliced Wasserstein distance.", Min = 1, Max = 100000)]
    public int Projections { get; init; } = 256;

    /// <summary>RBF bandwidths h whose kernels are summed for MMD.</summary>
    [Param("RBF kernel bandwidths h, summed, for MMD².")]
    public double[] MmdBandwidths { get; init; } = [0.05, 0.1, 0.2, 0.5, 1.0];

    /// <summary>The label of the metric set (absent: the node id).</summary>
    [Param("Label of the metric set in tables (absent: the node id).")]
    public string? Label { get; init; }
}
