using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Plugins.Schedules;

/// <summary>
/// β_t tables and ᾱ_t = Π_{s≤t}(1 − β_s) (Ho et al. 2020, Eq. 4). Built with torch in the table precision so that the
/// float32 tables are the very numbers diffusers (and therefore every model trained with it) uses.
/// </summary>
internal static class BetaSchedules
{
    /// <summary>ᾱ_t for t = 0..T−1, as doubles of the chosen precision.</summary>
    public static double[] AlphasCumprod(DiscreteSchedulerOptions options, ScalarType precision)
    {
        using var scope = NewDisposeScope();
        var betas = Betas(options, precision);
        if (options.RescaleBetasZeroSnr)
        {
            betas = RescaleZeroTerminalSnr(betas);
        }

        var alphasCumprod = (1.0 - betas).cumprod(0);
        return alphasCumprod.to(float64).data<double>().ToArray();
    }

    private static Tensor Betas(DiscreteSchedulerOptions options, ScalarType precision)
    {
        int T = options.NumTrainTimesteps;
        if (options.TrainedBetas is { } trained)
        {
            if (trained.Count != T)
            {
                throw new ArgumentException(
                    $"scheduler.discrete: trained_betas has {trained.Count} values but num_train_timesteps is {T}; give one beta per training timestep.");
            }

            return tensor(trained.ToArray(), float64).to(precision);
        }

        return options.BetaSchedule switch
        {
            "linear" => linspace(options.BetaStart, options.BetaEnd, T, precision),
            "scaled_linear" => linspace(Math.Sqrt(options.BetaStart), Math.Sqrt(options.BetaEnd), T, precision).pow(2),
            "squaredcos_cap_v2" => tensor(AlphaBarBetas(T, CosineAlphaBar), float64).to(precision),
            "exp" => tensor(AlphaBarBetas(T, ExponentialAlphaBar), float64).to(precision),
            "laplace" => tensor(AlphaBarBetas(T, LaplaceAlphaBar), float64).to(precision),
            "sigmoid" => SigmoidBetas(options, precision),
            _ => throw new ArgumentException(
                $"scheduler.discrete: beta_schedule '{options.BetaSchedule}' is unknown; use linear, scaled_linear, squaredcos_cap_v2, exp, laplace or sigmoid."),
        };
    }

    /// <summary>
    /// Betas from a continuous ᾱ(t), t ∈ [0, 1] (Nichol &amp; Dhariwal 2021, Eq. 17 form): β_i = min(1 − ᾱ((i+1)/T)/ᾱ(i/T), 0.999),
    /// computed in double as diffusers' <c>betas_for_alpha_bar</c> does before its float32 tensor.
    /// </summary>
    private static double[] AlphaBarBetas(int T, Func<double, double> alphaBar)
    {
        var betas = new double[T];
        for (int i = 0; i < T; i++)
        {
            double t1 = (double)i / T, t2 = (double)(i + 1) / T;
            betas[i] = Math.Min(1 - alphaBar(t2) / alphaBar(t1), 0.999);
        }

        return betas;
    }

    /// <summary>Nichol &amp; Dhariwal 2021, Eq. 17: ᾱ(t) = cos²((t + s)/(1 + s) · π/2), s = 0.008.</summary>
    private static double CosineAlphaBar(double t) => Math.Pow(Math.Cos((t + 0.008) / 1.008 * Math.PI / 2), 2);

    /// <summary>ᾱ(t) = exp(−12 t): the "exp" transform of diffusers' <c>betas_for_alpha_bar</c> (HeunDiscreteScheduler).</summary>
    private static double ExponentialAlphaBar(double t) => Math.Exp(t * -12.0);

    /// <summary>
    /// Laplace noise schedule (Hang et al. 2024, "Improved Noise Schedule for Diffusion Training", Eq. 6 with μ = 0, b = 0.5):
    /// λ(t) = −b·sgn(0.5 − t)·log(1 − 2|t − 0.5| + 10⁻⁶), ᾱ(t) = sqrt(e^λ/(1 + e^λ)) as diffusers' DDPMScheduler writes it.
    /// </summary>
    private static double LaplaceAlphaBar(double t)
    {
        double lambda = -0.5 * Math.CopySign(1.0, 0.5 - t) * Math.Log(1 - 2 * Math.Abs(0.5 - t) + 1e-6);
        double snr = Math.Exp(lambda);
        return Math.Sqrt(snr / (1 + snr));
    }

    /// <summary>
    /// GeoDiff's sigmoid schedule (Xu et al. 2022, "GeoDiff", App. C): β = sigmoid(linspace(−6, 6, T))·(β_end − β_start) + β_start.
    /// </summary>
    private static Tensor SigmoidBetas(DiscreteSchedulerOptions options, ScalarType precision) =>
        linspace(-6, 6, options.NumTrainTimesteps, precision).sigmoid() * (options.BetaEnd - options.BetaStart) + options.BetaStart;

    /// <summary>
    /// Lin et al. 2024, Algorithm 1: shift and scale sqrt(ᾱ) so the last is exactly 0 and the first is unchanged, then
    /// recover β from the new ᾱ.
    /// </summary>
    private static Tensor RescaleZeroTerminalSnr(Tensor betas)
    {
        var alphasBarSqrt = (1.0 - betas).cumprod(0).sqrt();
        var first = alphasBarSqrt[0].clone();
        var last = alphasBarSqrt[-1].clone();
        alphasBarSqrt = (alphasBarSqrt - last) * (first / (first - last));
        var alphasBar = alphasBarSqrt.pow(2);
        var alphas = cat([alphasBar[..1], alphasBar[1..] / alphasBar[..^1]]);
        return 1.0 - alphas;
    }
}
