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
            "squaredcos_cap_v2" => tensor(CosineBetas(T), float64).to(precision),
            _ => throw new ArgumentException(
                $"scheduler.discrete: beta_schedule '{options.BetaSchedule}' is unknown; use linear, scaled_linear or squaredcos_cap_v2."),
        };
    }

    /// <summary>
    /// Nichol &amp; Dhariwal 2021, Eq. 17: ᾱ(t) = cos²((t/T + s)/(1 + s) · π/2) with s = 0.008, β_t = min(1 − ᾱ(t+1)/ᾱ(t), 0.999).
    /// </summary>
    private static double[] CosineBetas(int T)
    {
        static double AlphaBar(double t) => Math.Pow(Math.Cos((t + 0.008) / 1.008 * Math.PI / 2), 2);
        var betas = new double[T];
        for (int i = 0; i < T; i++)
        {
            double t1 = (double)i / T, t2 = (double)(i + 1) / T;
            betas[i] = Math.Min(1 - AlphaBar(t2) / AlphaBar(t1), 0.999);
        }

        return betas;
    }

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
