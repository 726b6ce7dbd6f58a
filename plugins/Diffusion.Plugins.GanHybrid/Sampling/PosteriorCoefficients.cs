using Diffusion.Contracts;
using static TorchSharp.torch;

namespace Diffusion.Plugins.GanHybrid;

/// <summary>
/// The forward step q(x_i | x_{i−1}) and the posterior q(x_{i−1} | x_i, x_0) of a discrete VP chain with ᾱ_i from
/// <see cref="IScheduler.AlphasCumprod"/> (index −1 is the data, ᾱ_{−1} = 1; β_i = 1 − ᾱ_i/ᾱ_{i−1}). The posterior is
/// Ho et al. 2020, Eq. 6–7: mean μ̃ = sqrt(ᾱ_{i−1}) β_i/(1 − ᾱ_i) x_0 + sqrt(1 − β_i)(1 − ᾱ_{i−1})/(1 − ᾱ_i) x_i, variance
/// β̃ = (1 − ᾱ_{i−1})/(1 − ᾱ_i) β_i, which DDGAN samples with the generator's x̂_0 in place of x_0 (Xiao et al. 2022:
/// p_θ(x_{t−1} | x_t) = ∫ p(z) q(x_{t−1} | x_t, x_0 = G_θ(x_t, z, t)) dz).
/// At i = 0 the mean is x_0 and the variance 0. Coefficients are float64; tensors are cast to the sample's dtype.
/// </summary>
public sealed class PosteriorCoefficients
{
    private readonly double[] coefficientX0;
    private readonly double[] coefficientXt;
    private readonly double[] std;
    private readonly double[] sqrtAlphaPrevious;
    private readonly double[] sqrtOneMinusAlphaPrevious;
    private readonly double[] sqrtOneMinusBeta;
    private readonly double[] sqrtBeta;

    /// <summary>Computes the tables of <paramref name="alphasCumprod"/>; it must be decreasing in (0, 1).</summary>
    public PosteriorCoefficients(IReadOnlyList<double> alphasCumprod)
    {
        ArgumentNullException.ThrowIfNull(alphasCumprod);
        int count = alphasCumprod.Count;
        if (count == 0)
        {
            throw new NotSupportedException($"DDGAN posterior sampling needs a discrete schedule (alphas_cumprod); this one has none. {ComponentTraits.AdviceFor(ScheduleFeatures.AlphasCumprod)}");
        }

        coefficientX0 = new double[count];
        coefficientXt = new double[count];
        std = new double[count];
        sqrtAlphaPrevious = new double[count];
        sqrtOneMinusAlphaPrevious = new double[count];
        sqrtOneMinusBeta = new double[count];
        sqrtBeta = new double[count];
        for (int i = 0; i < count; i++)
        {
            double alpha = alphasCumprod[i];
            double previous = i == 0 ? 1.0 : alphasCumprod[i - 1];
            if (!(alpha > 0 && alpha < previous))
            {
                throw new NotSupportedException($"DDGAN posterior sampling needs alphas_cumprod strictly decreasing in (0, 1); it is {alpha} at timestep {i} after {previous}.");
            }

            double beta = 1 - (alpha / previous);
            coefficientX0[i] = Math.Sqrt(previous) * beta / (1 - alpha);
            coefficientXt[i] = Math.Sqrt(1 - beta) * (1 - previous) / (1 - alpha);
            std[i] = Math.Sqrt((1 - previous) / (1 - alpha) * beta);
            sqrtAlphaPrevious[i] = Math.Sqrt(previous);
            sqrtOneMinusAlphaPrevious[i] = Math.Sqrt(1 - previous);
            sqrtOneMinusBeta[i] = Math.Sqrt(1 - beta);
            sqrtBeta[i] = Math.Sqrt(beta);
        }
    }

    /// <summary>Number of timesteps.</summary>
    public int Count => std.Length;

    /// <summary>The posterior mean's coefficients (of x_0, of x_i) and its standard deviation at timestep <paramref name="i"/>.</summary>
    public (double X0, double Xt, double Std) At(int i) => (coefficientX0[i], coefficientXt[i], std[i]);

    /// <summary>A draw of q(x_{i−1} | x_i, x_0) = μ̃ + sqrt(β̃) <paramref name="noise"/> for per-item timesteps <paramref name="time"/> [batch] (int64).</summary>
    public Tensor Sample(Tensor x0, Tensor xt, Tensor time, Tensor noise)
    {
        ArgumentNullException.ThrowIfNull(x0);
        ArgumentNullException.ThrowIfNull(xt);
        ArgumentNullException.ThrowIfNull(noise);
        using var scope = NewDisposeScope();
        var result = (Gather(coefficientX0, time, x0) * x0) + (Gather(coefficientXt, time, xt) * xt) + (Gather(std, time, xt) * noise);
        return result.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// A training pair (x_{i−1}, x_i) from data <paramref name="x0"/> (DDGAN's q_sample_pairs): x_{i−1} = sqrt(ᾱ_{i−1}) x_0 +
    /// sqrt(1 − ᾱ_{i−1}) ε₁ (the data itself at i = 0), then x_i = sqrt(1 − β_i) x_{i−1} + sqrt(β_i) ε₂ (Ho et al. 2020, Eq. 2).
    /// </summary>
    public (Tensor Previous, Tensor Current) Pair(Tensor x0, Tensor time, Tensor noise1, Tensor noise2)
    {
        ArgumentNullException.ThrowIfNull(x0);
        ArgumentNullException.ThrowIfNull(noise1);
        ArgumentNullException.ThrowIfNull(noise2);
        using var scope = NewDisposeScope();
        var previous = (Gather(sqrtAlphaPrevious, time, x0) * x0) + (Gather(sqrtOneMinusAlphaPrevious, time, x0) * noise1);
        var current = (Gather(sqrtOneMinusBeta, time, x0) * previous) + (Gather(sqrtBeta, time, x0) * noise2);
        return (previous.MoveToOuterDisposeScope(), current.MoveToOuterDisposeScope());
    }

    private static Tensor Gather(double[] table, Tensor time, Tensor like)
    {
        ArgumentNullException.ThrowIfNull(time);
        if (time.is_floating_point())
        {
            throw new ArgumentException("DDGAN posterior coefficients are indexed by integer timesteps; got floating-point times.", nameof(time));
        }

        var values = tensor(table, float64).index_select(0, time.cpu().to(int64).flatten()).to(like.dtype, like.device);
        var shape = new long[like.dim()];
        Array.Fill(shape, 1L);
        shape[0] = values.shape[0];
        return values.reshape(shape);
    }
}
