using TorchSharp;

namespace Diffusion.Plugins.Analytic;

/// <summary>
/// A Gaussian mixture p_0 = Σ_k w_k N(μ_k, Σ_k) in d dimensions and its exact diffused marginals: under
/// x_t = α_t x_0 + σ_t ε, p_t = Σ_k w_k N(α_t μ_k, α_t² Σ_k + σ_t² I). Each Σ_k = U_k diag(λ_k) U_kᵀ is diagonalised once,
/// so the noisy covariance is U_k diag(α_t² λ_k + σ_t²) U_kᵀ for any t and the score
/// ∇ log p_t(x) = Σ_k r_k(x) · (−U_k diag(α_t² λ_k + σ_t²)⁻¹ U_kᵀ (x − α_t μ_k)) with responsibilities r_k ∝ w_k N_k(x)
/// is exact. Everything is float64. Immutable; holds no tensors (they are built per call).
/// </summary>
public sealed class GaussianMixture
{
    private readonly double[] weights;
    private readonly double[][] means;
    private readonly double[][] eigenvectors; // [K][d*d], column e is the e-th eigenvector of Σ_k.
    private readonly double[][] eigenvalues;  // [K][d]

    private GaussianMixture(double[] weights, double[][] means, double[][] eigenvectors, double[][] eigenvalues)
    {
        this.weights = weights;
        this.means = means;
        this.eigenvectors = eigenvectors;
        this.eigenvalues = eigenvalues;
    }

    /// <summary>Number of components K.</summary>
    public int Count => weights.Length;

    /// <summary>Dimension d.</summary>
    public int Dimension => means[0].Length;

    /// <summary>The normalised weights w_k.</summary>
    public IReadOnlyList<double> Weights => weights;

    /// <summary>The means μ_k.</summary>
    public IReadOnlyList<IReadOnlyList<double>> Means => means;

    /// <summary>The eight_gaussians preset: centres radius · (cos 2πk/8, sin 2πk/8), k = 0..7, isotropic std, equal weights.</summary>
    public static GaussianMixture EightGaussians(double radius = 2.0, double std = 0.1)
    {
        var centres = Enumerable.Range(0, 8).Select(k => new[] { radius * Math.Cos(2 * Math.PI * k / 8), radius * Math.Sin(2 * Math.PI * k / 8) }).ToArray();
        return Isotropic(centres, [.. Enumerable.Repeat(std, 8)], null);
    }

    /// <summary>Components N(μ_k, s_k² I).</summary>
    public static GaussianMixture Isotropic(double[][] means, double[] stds, double[]? weights)
    {
        ArgumentNullException.ThrowIfNull(means);
        ArgumentNullException.ThrowIfNull(stds);
        Check(means, weights, stds.Length, "stds");
        int d = means[0].Length;
        var identity = new double[d * d];
        for (int i = 0; i < d; i++)
        {
            identity[(i * d) + i] = 1;
        }

        var vectors = means.Select(_ => identity).ToArray();
        var values = stds.Select(s => s >= 0 ? Enumerable.Repeat(s * s, d).ToArray() : throw new ArgumentException($"stds must be non-negative, got {s}.")).ToArray();
        return new GaussianMixture(Normalise(weights, means.Length), Copy(means), vectors, values);
    }

    /// <summary>Components N(μ_k, Σ_k) with full symmetric positive semi-definite covariances.</summary>
    public static GaussianMixture WithCovariances(double[][] means, double[][][] covariances, double[]? weights)
    {
        ArgumentNullException.ThrowIfNull(means);
        ArgumentNullException.ThrowIfNull(covariances);
        Check(means, weights, covariances.Length, "covariances");
        int d = means[0].Length;
        var vectors = new double[means.Length][];
        var values = new double[means.Length][];
        for (int k = 0; k < covariances.Length; k++)
        {
            var c = covariances[k];
            if (c is null || c.Length != d || c.Any(row => row is null || row.Length != d))
            {
                throw new ArgumentException($"covariances[{k}] must be a {d} x {d} array.");
            }

            for (int i = 0; i < d; i++)
            {
                for (int j = 0; j < i; j++)
                {
                    if (Math.Abs(c[i][j] - c[j][i]) > 1e-9 * (1 + Math.Abs(c[i][j])))
                    {
                        throw new ArgumentException($"covariances[{k}] is not symmetric at [{i}][{j}].");
                    }
                }
            }

            using var scope = torch.NewDisposeScope();
            var matrix = torch.tensor(c.SelectMany(row => row).ToArray(), [d, d], torch.ScalarType.Float64);
            var (lambda, u) = torch.linalg.eigh(matrix);
            values[k] = lambda.data<double>().ToArray();
            if (values[k].Min() < -1e-9 * Math.Max(1, values[k].Max()))
            {
                throw new ArgumentException($"covariances[{k}] is not positive semi-definite (smallest eigenvalue {values[k].Min():G4}).");
            }

            values[k] = [.. values[k].Select(v => Math.Max(v, 0))];
            vectors[k] = u.contiguous().data<double>().ToArray();
        }

        return new GaussianMixture(Normalise(weights, means.Length), Copy(means), vectors, values);
    }

    /// <summary>The mixture described by node params; messages name the param to fix.</summary>
    public static GaussianMixture FromParams(GaussianMixtureOptions parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var problem = Problems(parameters).FirstOrDefault();
        if (problem != default)
        {
            throw new ArgumentException($"gaussian_mixture param '{problem.Param}': {problem.Message}");
        }

        if (parameters.Preset == "eight_gaussians")
        {
            var preset = EightGaussians(parameters.Radius, parameters.Std ?? 0.1);
            return parameters.Weights is null ? preset : Isotropic(Copy(preset.means), [.. Enumerable.Repeat(parameters.Std ?? 0.1, 8)], parameters.Weights);
        }

        var means = parameters.Means!;
        return parameters.Covariances is { } covariances
            ? WithCovariances(means, covariances, parameters.Weights)
            : Isotropic(means, parameters.Stds ?? [.. Enumerable.Repeat(parameters.Std!.Value, means.Length)], parameters.Weights);
    }

    /// <summary>Every problem of the params as (param, message), for node validation.</summary>
    public static IEnumerable<(string Param, string Message)> Problems(GaussianMixtureOptions p)
    {
        ArgumentNullException.ThrowIfNull(p);
        int count;
        if (p.Preset == "eight_gaussians")
        {
            if (p.Means is not null || p.Covariances is not null || p.Stds is not null)
            {
                yield return ("preset", "preset eight_gaussians defines the means and stds itself; remove means/covariances/stds or set preset to none.");
            }

            count = 8;
        }
        else if (p.Preset == "none")
        {
            if (p.Means is not { Length: > 0 } || p.Means[0] is not { Length: > 0 })
            {
                yield return ("means", "give the component means (an array of arrays of d numbers) or a preset.");
                yield break;
            }

            count = p.Means.Length;
            int d = p.Means[0].Length;
            if (p.Means.Any(m => m is null || m.Length != d))
            {
                yield return ("means", $"every mean must have the same dimension {d}.");
            }

            int given = (p.Covariances is null ? 0 : 1) + (p.Std is null ? 0 : 1) + (p.Stds is null ? 0 : 1);
            if (given != 1)
            {
                yield return ("covariances", "give exactly one of covariances, std or stds.");
            }

            if (p.Covariances is not null && p.Covariances.Length != count)
            {
                yield return ("covariances", $"need one covariance per mean ({count}), got {p.Covariances.Length}.");
            }

            if (p.Stds is not null && p.Stds.Length != count)
            {
                yield return ("stds", $"need one std per mean ({count}), got {p.Stds.Length}.");
            }
        }
        else
        {
            yield return ("preset", $"unknown preset '{p.Preset}'; use none or eight_gaussians.");
            yield break;
        }

        if (p.Std is < 0 || (p.Stds?.Any(s => s < 0) ?? false))
        {
            yield return (p.Std is < 0 ? "std" : "stds", "standard deviations must be non-negative.");
        }

        if (p.Weights is not null && (p.Weights.Length != count || p.Weights.Any(w => !(w >= 0)) || !(p.Weights.Sum() > 0)))
        {
            yield return ("weights", $"need {count} non-negative weights with a positive sum.");
        }
    }

    /// <summary>The mixture's mean Σ_k w_k μ_k.</summary>
    public double[] Mean()
    {
        var mean = new double[Dimension];
        for (int k = 0; k < Count; k++)
        {
            for (int i = 0; i < Dimension; i++)
            {
                mean[i] += weights[k] * means[k][i];
            }
        }

        return mean;
    }

    /// <summary>The mixture's covariance Σ_k w_k (Σ_k + μ_k μ_kᵀ) − m mᵀ, row-major [d*d].</summary>
    public double[] Covariance()
    {
        int d = Dimension;
        var m = Mean();
        var cov = new double[d * d];
        for (int k = 0; k < Count; k++)
        {
            for (int i = 0; i < d; i++)
            {
                for (int j = 0; j < d; j++)
                {
                    double sigmaIj = 0;
                    for (int e = 0; e < d; e++)
                    {
                        sigmaIj += eigenvectors[k][(i * d) + e] * eigenvalues[k][e] * eigenvectors[k][(j * d) + e];
                    }

                    cov[(i * d) + j] += weights[k] * (sigmaIj + (means[k][i] * means[k][j]));
                }
            }
        }

        for (int i = 0; i < d; i++)
        {
            for (int j = 0; j < d; j++)
            {
                cov[(i * d) + j] -= m[i] * m[j];
            }
        }

        return cov;
    }

    /// <summary>∇_x log p_t(x) for x [B, d] with per-item α_t, σ_t [B]; float64 on x's device.</summary>
    public torch.Tensor Score(torch.Tensor x, torch.Tensor alpha, torch.Tensor sigma)
    {
        using var scope = torch.NewDisposeScope();
        var (logComponent, whitened, vectors) = Components(x, alpha, sigma);
        var responsibilities = logComponent.softmax(-1);
        var gradients = -torch.einsum("bke,kde->bkd", whitened, vectors);
        return (responsibilities.unsqueeze(-1) * gradients).sum(1).MoveToOuterDisposeScope();
    }

    /// <summary>log p_t(x) [B] for x [B, d] (float64).</summary>
    public torch.Tensor LogDensity(torch.Tensor x, torch.Tensor alpha, torch.Tensor sigma)
    {
        using var scope = torch.NewDisposeScope();
        var (logComponent, _, _) = Components(x, alpha, sigma);
        return (logComponent.logsumexp(-1) - (0.5 * Dimension * Math.Log(2 * Math.PI))).MoveToOuterDisposeScope();
    }

    /// <summary>Exact draws: component k ~ Cat(w) (int64 labels), then x = μ_k + U_k diag(sqrt λ_k) z, z ~ N(0, I) (float32 draws).</summary>
    public (torch.Tensor Samples, torch.Tensor Labels) Sample(long batch, torch.Generator generator)
    {
        ArgumentNullException.ThrowIfNull(generator);
        using var scope = torch.NewDisposeScope();
        var labels = torch.multinomial(torch.tensor(weights, torch.ScalarType.Float64), batch, replacement: true, generator: generator);
        var z = torch.randn([batch, Dimension], torch.ScalarType.Float32, torch.CPU, generator: generator).to_type(torch.ScalarType.Float64);
        var (mu, vectors, lambda) = Tables(torch.CPU);
        var factor = vectors * lambda.sqrt().unsqueeze(1); // U diag(sqrt λ), [K, d, d]
        var x = mu.index_select(0, labels) + torch.einsum("bde,be->bd", factor.index_select(0, labels), z);
        return (x.MoveToOuterDisposeScope(), labels.MoveToOuterDisposeScope());
    }

    /// <summary>log(w_k N_k(x)) up to the shared −d/2 log 2π [B, K], the whitened residual D⁻¹ Uᵀ(x − αμ) [B, K, d], U [K, d, d].</summary>
    private (torch.Tensor LogComponent, torch.Tensor Whitened, torch.Tensor Vectors) Components(torch.Tensor x, torch.Tensor alpha, torch.Tensor sigma)
    {
        var (mu, vectors, lambda) = Tables(x.device);
        var x64 = x.to_type(torch.ScalarType.Float64);
        var a = alpha.to(torch.ScalarType.Float64, x.device).reshape(-1, 1, 1);
        var s = sigma.to(torch.ScalarType.Float64, x.device).reshape(-1, 1, 1);
        var residual = x64.unsqueeze(1) - a * mu.unsqueeze(0);                 // [B, K, d]
        var rotated = torch.einsum("bkd,kde->bke", residual, vectors);          // Uᵀ (x − α μ)
        var variance = (a * a * lambda.unsqueeze(0)) + (s * s);                 // α² λ + σ² (products, not square(): TorchSharp passes square() an implicit Scalar a concurrent finalizer can free mid-call)
        var logWeights = torch.tensor(weights, torch.ScalarType.Float64, x.device).log();
        var logComponent = logWeights.unsqueeze(0) - 0.5 * (rotated.square() / variance).sum(-1) - 0.5 * variance.log().sum(-1);
        return (logComponent, rotated / variance, vectors);
    }

    private (torch.Tensor Mu, torch.Tensor Vectors, torch.Tensor Lambda) Tables(torch.Device device)
    {
        int k = Count, d = Dimension;
        var mu = torch.tensor(means.SelectMany(m => m).ToArray(), [k, d], torch.ScalarType.Float64, device);
        var vectors = torch.tensor(eigenvectors.SelectMany(v => v).ToArray(), [k, d, d], torch.ScalarType.Float64, device);
        var lambda = torch.tensor(eigenvalues.SelectMany(v => v).ToArray(), [k, d], torch.ScalarType.Float64, device);
        return (mu, vectors, lambda);
    }

    private static void Check(double[][] means, double[]? weights, int perComponent, string name)
    {
        if (means.Length == 0 || means[0] is not { Length: > 0 })
        {
            throw new ArgumentException("A Gaussian mixture needs at least one mean of dimension >= 1.");
        }

        if (means.Any(m => m is null || m.Length != means[0].Length))
        {
            throw new ArgumentException($"Every mean must have dimension {means[0].Length}.");
        }

        if (perComponent != means.Length)
        {
            throw new ArgumentException($"{name} must have one entry per mean ({means.Length}), got {perComponent}.");
        }

        if (weights is not null && weights.Length != means.Length)
        {
            throw new ArgumentException($"weights must have one entry per mean ({means.Length}), got {weights.Length}.");
        }
    }

    private static double[] Normalise(double[]? weights, int count)
    {
        if (weights is null)
        {
            return [.. Enumerable.Repeat(1.0 / count, count)];
        }

        double total = weights.Sum();
        if (!(total > 0) || weights.Any(w => !(w >= 0)))
        {
            throw new ArgumentException("weights must be non-negative with a positive sum.");
        }

        return [.. weights.Select(w => w / total)];
    }

    private static double[][] Copy(double[][] rows) => [.. rows.Select(r => (double[])r.Clone())];
}
