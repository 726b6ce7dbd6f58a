using Diffusion.Contracts;
using TorchSharp;

namespace Diffusion.Plugins.Tests.Analytic;

/// <summary>
/// Test double: DDPM's linear schedule (Ho et al. 2020: β_t linear from 1e-4 to 0.02, T = 1000), ᾱ_t = Π(1 − β_s),
/// with just what sigma-space samplers and the mixture denoiser read (ᾱ table, integer-timestep marginal).
/// </summary>
internal sealed class LinearDiscreteScheduler : IScheduler
{
    public LinearDiscreteScheduler(int steps = 1000, double betaStart = 1e-4, double betaEnd = 0.02)
    {
        var alphas = new double[steps];
        double product = 1;
        for (int t = 0; t < steps; t++)
        {
            product *= 1 - (betaStart + ((betaEnd - betaStart) * t / (steps - 1)));
            alphas[t] = product;
        }

        AlphasCumprod = alphas;
    }

    public ScheduleKind Kind => ScheduleKind.Discrete;

    public ScheduleFeatures Features => ScheduleFeatures.AlphasCumprod | ScheduleFeatures.Sigmas;

    public int TrainTimesteps => AlphasCumprod.Count;

    public IReadOnlyList<double> AlphasCumprod { get; }

    /// <summary>Trailing spacing (t = T − 1 − k·T/N) with σ_t = sqrt((1 − ᾱ_t)/ᾱ_t) and a final 0.</summary>
    public InferenceSchedule CreateInferenceSchedule(int steps)
    {
        var timesteps = Enumerable.Range(0, steps).Select(k => (double)(TrainTimesteps - 1 - (k * TrainTimesteps / steps))).ToArray();
        var sigmas = timesteps.Select(t => Math.Sqrt((1 - AlphasCumprod[(int)t]) / AlphasCumprod[(int)t]));
        return new InferenceSchedule { Timesteps = timesteps, Sigmas = [.. sigmas, 0.0] };
    }

    public (torch.Tensor Alpha, torch.Tensor Sigma) Marginal(torch.Tensor time)
    {
        var index = time.to_type(torch.ScalarType.Int64).cpu().data<long>().ToArray();
        var alphaBar = index.Select(i => AlphasCumprod[(int)i]).ToArray();
        return (torch.tensor(alphaBar.Select(Math.Sqrt).ToArray(), torch.ScalarType.Float64), torch.tensor(alphaBar.Select(a => Math.Sqrt(1 - a)).ToArray(), torch.ScalarType.Float64));
    }

    public torch.Tensor SampleTrainingTimes(long batch, torch.Generator generator) =>
        torch.randint(0, TrainTimesteps, [batch], torch.ScalarType.Int64, generator: generator);
}
