using static TorchSharp.torch;

namespace Diffusion.Plugins.Toy2d;

/// <summary>Distances between two point clouds [n, d] and [m, d], computed in float64 on the CPU.</summary>
public static class PointMetrics
{
    /// <summary>
    /// <paramref name="count"/> random unit directions [count, d] drawn as normalised N(0, I) vectors from
    /// <paramref name="generator"/> (uniform on the sphere), float64.
    /// </summary>
    public static Tensor RandomProjections(int count, long dim, Generator generator)
    {
        using var scope = NewDisposeScope();
        var directions = randn([count, dim], dtype: ScalarType.Float32, generator: generator).to_type(ScalarType.Float64);
        return (directions / directions.norm(1, keepdim: true)).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Sliced 2-Wasserstein distance (Rabin et al. 2011; Bonneel et al. 2015, Eq. 3):
    /// SW₂(X, Y) = sqrt( mean_θ W₂²(θᵀX, θᵀY) ), where the 1-D W₂² between empirical measures is the mean squared
    /// difference of their quantile functions. With n ≠ m both quantile functions are read at the K = max(n, m)
    /// mid-point levels (k + ½)/K (sorted sample ⌊level · n⌋), which is exact for n = m.
    /// </summary>
    public static double SlicedWasserstein(Tensor x, Tensor y, Tensor projections)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        ArgumentNullException.ThrowIfNull(projections);
        using var scope = NewDisposeScope();
        var px = Project(x, projections);
        var py = Project(y, projections);
        var levels = Math.Max(px.shape[1], py.shape[1]);
        var qx = Quantiles(px, levels);
        var qy = Quantiles(py, levels);
        return Math.Sqrt((qx - qy).square().mean().item<double>());
    }

    /// <summary>
    /// The unbiased estimate of the squared maximum mean discrepancy (Gretton et al. 2012, JMLR, Eq. 3 / Lemma 6):
    /// MMD²_u = 1/(n(n−1)) Σ_{i≠j} k(x_i, x_j) + 1/(m(m−1)) Σ_{i≠j} k(y_i, y_j) − 2/(nm) Σ_{i,j} k(x_i, y_j),
    /// with the multi-bandwidth RBF kernel k(a, b) = Σ_h exp(−‖a − b‖² / (2h²)). Unbiased, so it can be slightly
    /// negative when the distributions agree.
    /// </summary>
    public static double MmdSquared(Tensor x, Tensor y, IReadOnlyList<double> bandwidths)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        ArgumentNullException.ThrowIfNull(bandwidths);
        if (bandwidths.Count == 0)
        {
            throw new ArgumentException("MMD needs at least one kernel bandwidth.", nameof(bandwidths));
        }

        using var scope = NewDisposeScope();
        var a = x.to_type(ScalarType.Float64).cpu();
        var b = y.to_type(ScalarType.Float64).cpu();
        double n = a.shape[0], m = b.shape[0];
        if (n < 2 || m < 2)
        {
            throw new ArgumentException("MMD needs at least two points in each set.");
        }

        var kxx = Kernel(a, a, bandwidths);
        var kyy = Kernel(b, b, bandwidths);
        var kxy = Kernel(a, b, bandwidths);
        var sumXx = (kxx.sum() - kxx.diagonal().sum()).item<double>();
        var sumYy = (kyy.sum() - kyy.diagonal().sum()).item<double>();
        return (sumXx / (n * (n - 1))) + (sumYy / (m * (m - 1))) - (2 * kxy.sum().item<double>() / (n * m));
    }

    private static Tensor Kernel(Tensor a, Tensor b, IReadOnlyList<double> bandwidths)
    {
        var squaredDistances = cdist(a, b).square();
        Tensor? sum = null;
        foreach (var h in bandwidths)
        {
            var term = (squaredDistances / (-2 * h * h)).exp();
            sum = sum is null ? term : sum + term;
        }

        return sum!;
    }

    private static Tensor Project(Tensor points, Tensor projections)
    {
        if (points.dim() != 2 || points.shape[1] != projections.shape[1])
        {
            throw new ArgumentException($"Points must be [count, {projections.shape[1]}], got [{string.Join(", ", points.shape)}].");
        }

        // [projections, count], each row sorted.
        return projections.matmul(points.to_type(ScalarType.Float64).cpu().T).sort(1).Values;
    }

    private static Tensor Quantiles(Tensor sorted, long levels)
    {
        var count = sorted.shape[1];
        if (count == levels)
        {
            return sorted;
        }

        var index = ((arange(levels, dtype: ScalarType.Float64) + 0.5) * count / levels).floor().to_type(ScalarType.Int64).clamp(0, count - 1);
        return sorted.index_select(1, index);
    }
}
