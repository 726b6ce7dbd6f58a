using static TorchSharp.torch;

namespace Diffusion.Plugins.Toy2d;

/// <summary>
/// How a point cloud covers the modes of a mixture: every sample goes to its nearest centre, unless it is farther than
/// <c>maxDistance</c> from all of them (then it is off-mode). Weights are fractions of <b>all</b> samples, so mass that
/// lands between modes lowers the weights instead of being renormalised away.
/// </summary>
/// <param name="Weights">w_k = (samples assigned to mode k) / (all samples), one per centre.</param>
/// <param name="OffMode">Fraction of samples farther than the distance limit from every centre (non-finite samples included).</param>
public sealed record ModeCoverage(IReadOnlyList<double> Weights, double OffMode)
{
    /// <summary>max_k |w_k − 1/K|: the largest deviation from equal weights.</summary>
    public double MaxWeightError => Weights.Max(w => Math.Abs(w - (1.0 / Weights.Count)));

    /// <summary>Modes whose weight exceeds half the equal weight, 0.5/K (a mode with less counts as missed).</summary>
    public int ModesFound => Weights.Count(w => w > 0.5 / Weights.Count);

    /// <summary>Measures <paramref name="samples"/> [N, d] against <paramref name="centres"/> [K, d].</summary>
    public static ModeCoverage Measure(Tensor samples, double[,] centres, double maxDistance)
    {
        ArgumentNullException.ThrowIfNull(samples);
        ArgumentNullException.ThrowIfNull(centres);
        ArgumentOutOfRangeException.ThrowIfNegative(maxDistance);
        int modes = centres.GetLength(0), dim = centres.GetLength(1);
        if (samples.dim() != 2 || samples.shape[1] != dim || samples.shape[0] == 0)
        {
            throw new ArgumentException($"samples must be points [count > 0, {dim}] to match the {modes} centres, got [{string.Join(", ", samples.shape)}].", nameof(samples));
        }

        using var scope = NewDisposeScope();
        var x = samples.detach().to_type(ScalarType.Float64).cpu();
        var centreTensor = tensor(centres, ScalarType.Float64);
        var (nearestDistance, nearest) = cdist(x, centreTensor).min(1);

        // NaN distances compare false, so non-finite samples count as off-mode.
        var onMode = nearestDistance <= maxDistance;
        var counts = bincount(nearest.masked_select(onMode), minlength: modes).to_type(ScalarType.Float64);
        double total = x.shape[0];
        var weights = (counts / total).data<double>().ToArray();
        var offMode = 1.0 - (onMode.sum().to_type(ScalarType.Float64).item<double>() / total);
        return new ModeCoverage(weights, offMode);
    }
}
