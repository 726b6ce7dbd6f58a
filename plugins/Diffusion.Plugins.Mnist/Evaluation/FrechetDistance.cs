using static TorchSharp.torch;

namespace Diffusion.Plugins.Mnist;

/// <summary>
/// The Fréchet distance between Gaussians fitted to two feature sets (Dowson &amp; Landau 1982; as FID, Heusel et al.
/// 2017, Eq. 6): d² = |μ₁ − μ₂|² + tr(Σ₁ + Σ₂ − 2 (Σ₁ Σ₂)^{1/2}). Computed in float64; the trace of the matrix
/// square root uses tr((Σ₁Σ₂)^{1/2}) = tr((Σ₁^{1/2} Σ₂ Σ₁^{1/2})^{1/2}), where both square roots are of symmetric PSD
/// matrices and come from eigen-decompositions (negative round-off eigenvalues clamped to 0).
/// </summary>
public static class FrechetDistance
{
    /// <summary>d² between feature sets [N₁, d] and [N₂, d] (each needs at least 2 rows).</summary>
    public static double Compute(Tensor features1, Tensor features2)
    {
        ArgumentNullException.ThrowIfNull(features1);
        ArgumentNullException.ThrowIfNull(features2);
        if (features1.shape[0] < 2 || features2.shape[0] < 2 || features1.shape[1] != features2.shape[1])
        {
            throw new ArgumentException(
                $"Fréchet distance needs two feature sets [N, d] with N ≥ 2 and the same d; got [{string.Join(", ", features1.shape)}] and [{string.Join(", ", features2.shape)}].");
        }

        using var scope = NewDisposeScope();
        var (mu1, sigma1) = Moments(features1);
        var (mu2, sigma2) = Moments(features2);
        var sqrtSigma1 = SymmetricSqrt(sigma1);
        var product = sqrtSigma1.matmul(sigma2).matmul(sqrtSigma1);
        var traceSqrtProduct = linalg.eigvalsh(Symmetrize(product)).clamp_min(0).sqrt().sum();
        var meanTerm = (mu1 - mu2).square().sum();
        var d2 = meanTerm + sigma1.trace() + sigma2.trace() - 2 * traceSqrtProduct;
        return Math.Max(0.0, d2.item<double>());
    }

    private static (Tensor Mean, Tensor Covariance) Moments(Tensor features)
    {
        var x = features.to(ScalarType.Float64);
        var mean = x.mean([0]);
        var centred = x - mean;
        var covariance = centred.T.matmul(centred) / (x.shape[0] - 1);
        return (mean, covariance);
    }

    private static Tensor SymmetricSqrt(Tensor matrix)
    {
        var (eigenvalues, eigenvectors) = linalg.eigh(Symmetrize(matrix));
        return eigenvectors.matmul(diag(eigenvalues.clamp_min(0).sqrt())).matmul(eigenvectors.T);
    }

    private static Tensor Symmetrize(Tensor matrix) => (matrix + matrix.T) / 2;
}
