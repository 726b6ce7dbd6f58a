using Diffusion.Contracts;

namespace Diffusion.Plugins.Samplers.Adaptive;

/// <summary>
/// A discrete VP schedule seen in sigma space (Karras et al. 2022, Table 1: σ_t = sqrt((1 − ᾱ_t)/ᾱ_t)), with the
/// inverse σ → t that interpolates log σ linearly between neighbouring timesteps (k-diffusion's
/// <c>DiscreteSchedule.sigma_to_t</c>), so a continuous-σ solver can call a timestep-conditioned network.
/// </summary>
internal sealed class DiscreteSigmaSchedule
{
    private readonly double[] logSigmas;

    private DiscreteSigmaSchedule(double[] logSigmas) => this.logSigmas = logSigmas;

    public double SigmaMin => Math.Exp(logSigmas.Min());

    public double SigmaMax => Math.Exp(logSigmas.Max());

    public int Count => logSigmas.Length;

    /// <summary>The table of <paramref name="scheduler"/>'s ᾱ_t; an error naming the sampler when it has none.</summary>
    public static DiscreteSigmaSchedule From(IScheduler scheduler, string sampler)
    {
        ArgumentNullException.ThrowIfNull(scheduler);
        var alphas = scheduler.AlphasCumprod;
        if (alphas.Count < 2)
        {
            throw new NotSupportedException(
                $"sampler.{sampler} works on discrete VP schedules (alphas_cumprod); {scheduler.GetType().Name} ({scheduler.Kind}) has none. Use a discrete scheduler, or sampler.probability_flow for SDE schedulers.");
        }

        var logSigmas = alphas.Select(a => 0.5 * Math.Log((1 - a) / a)).ToArray();
        for (int i = 1; i < logSigmas.Length; i++)
        {
            if (!(logSigmas[i] > logSigmas[i - 1]))
            {
                throw new NotSupportedException($"sampler.{sampler} needs sigmas increasing with the timestep; alphas_cumprod is not strictly decreasing at t={i}.");
            }
        }

        return new DiscreteSigmaSchedule(logSigmas);
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
