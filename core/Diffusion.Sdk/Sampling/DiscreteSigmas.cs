using Diffusion.Contracts;

namespace Diffusion.Sdk;

/// <summary>
/// A discrete VP schedule seen in sigma space (Karras et al. 2022, Table 1: σ_t = sqrt((1 − ᾱ_t)/ᾱ_t)), with the
/// inverse σ → t that interpolates log σ linearly between neighbouring timesteps (k-diffusion's
/// <c>DiscreteSchedule.sigma_to_t</c>), so a continuous-σ solver can call a timestep-conditioned network.
/// </summary>
public sealed class DiscreteSigmas
{
    private readonly double[] logSigmas;

    private DiscreteSigmas(double[] logSigmas) => this.logSigmas = logSigmas;

    /// <summary>σ at t = 0.</summary>
    public double SigmaMin => Math.Exp(logSigmas[0]);

    /// <summary>σ at t = T − 1.</summary>
    public double SigmaMax => Math.Exp(logSigmas[^1]);

    /// <summary>The number of training timesteps.</summary>
    public int Count => logSigmas.Length;

    /// <summary>The σ table of <paramref name="scheduler"/>'s ᾱ_t; an error naming <paramref name="user"/> when it has none.</summary>
    public static DiscreteSigmas From(IScheduler scheduler, string user)
    {
        ArgumentNullException.ThrowIfNull(scheduler);
        var alphas = scheduler.AlphasCumprod;
        if (alphas.Count < 2)
        {
            throw new NotSupportedException(
                $"{user} works on discrete VP schedules (alphas_cumprod); {scheduler.GetType().Name} ({scheduler.Kind}) has none. " + ComponentTraits.AdviceFor(ScheduleFeatures.AlphasCumprod));
        }

        var logSigmas = alphas.Select(a => 0.5 * Math.Log((1 - a) / a)).ToArray();
        for (int i = 1; i < logSigmas.Length; i++)
        {
            if (!(logSigmas[i] > logSigmas[i - 1]))
            {
                throw new NotSupportedException($"{user} needs sigmas increasing with the timestep; alphas_cumprod is not strictly decreasing at t={i}.");
            }
        }

        return new DiscreteSigmas(logSigmas);
    }

    /// <summary>The fractional timestep of σ: t = (1 − w) i + w (i + 1) with w interpolating log σ in [log σ_i, log σ_{i+1}].</summary>
    public double SigmaToT(double sigma)
    {
        double logSigma = Math.Log(sigma);
        int low = Array.FindLastIndex(logSigmas, l => logSigma >= l);
        low = Math.Clamp(low, 0, logSigmas.Length - 2);
        int high = low + 1;
        double w = Math.Clamp((logSigmas[low] - logSigma) / (logSigmas[low] - logSigmas[high]), 0, 1);
        return ((1 - w) * low) + (w * high);
    }
}
