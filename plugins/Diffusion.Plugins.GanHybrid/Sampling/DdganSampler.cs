using Diffusion.Contracts;
using Diffusion.Sdk;
using static TorchSharp.torch;

namespace Diffusion.Plugins.GanHybrid;

/// <summary>
/// The DDGAN sampler (Xiao, Kreis, Vahdat 2022; the authors' sample_from_model): from x_{T−1} ~ N(0, I), at every
/// timestep t of the schedule (T−1, T−2, ..., 0) one call of the generator, x̂_0 = G(x_t, z, t) with z drawn by the
/// denoiser from the run's generator, then x_{t−1} ~ q(x_{t−1} | x_t, x̂_0) (Ho et al. 2020, Eq. 6–7; no noise at t = 0).
/// Exactly one network evaluation per schedule step. The schedule must step through adjacent integer timesteps (a
/// DDGAN generator is trained on adjacent levels only); a slice runs part of the chain. Random order per step: the
/// generator's z, then the posterior noise.
/// </summary>
public sealed class DdganSampler : ISampler
{
    private readonly DdganSamplerOptions options;

    /// <summary>Creates the sampler.</summary>
    public DdganSampler(DdganSamplerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfNegative(options.ClipSampleRange);
        this.options = options;
    }

    /// <inheritdoc />
    public SamplerInfo Info { get; } = new("ddgan", Stochastic: true)
    {
        Needs = ScheduleFeatures.AlphasCumprod,
        Predictions = [PredictionType.Sample],
    };

    /// <inheritdoc />
    public SamplingResult Sample(SamplingRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        SamplerRequirements.Ensure(Info, request);
        var posterior = new PosteriorCoefficients(request.Scheduler.AlphasCumprod);
        var timesteps = request.Schedule.Timesteps;
        CheckChain(timesteps, request.Schedule.EndTimestep, posterior.Count);
        var x = SamplerTensors.Initial(request, initNoiseSigma: 1.0);
        for (int i = 0; i < timesteps.Count; i++)
        {
            request.CancellationToken.ThrowIfCancellationRequested();
            using var scope = NewDisposeScope();
            int t = (int)timesteps[i];
            var x0 = request.Predict(x, SamplerTensors.Time(request, t)).to(x.dtype);
            if (options.ClipSample)
            {
                x0 = x0.clamp(-options.ClipSampleRange, options.ClipSampleRange);
            }

            var (coefficientX0, coefficientXt, std) = posterior.At(t);
            var next = (coefficientX0 * x0) + (coefficientXt * x);
            if (std > 0)
            {
                next = next + (std * SamplerTensors.Noise(request));
            }

            next = next.MoveToOuterDisposeScope();
            request.OnStep?.Invoke(new SamplerStep(i, timesteps.Count, t, next, x0));
            SamplerTensors.Replace(ref x, next);
        }

        return new SamplingResult(x, timesteps.Count, timesteps.Count);
    }

    private static void CheckChain(IReadOnlyList<double> timesteps, double? endTimestep, int levels)
    {
        for (int i = 0; i < timesteps.Count; i++)
        {
            double t = timesteps[i];
            double expectedNext = i + 1 < timesteps.Count ? timesteps[i + 1] : endTimestep ?? -1;
            if (t != Math.Floor(t) || t < 0 || t >= levels || expectedNext != t - 1)
            {
                throw new NotSupportedException(
                    $"sampler.ddgan walks adjacent integer timesteps T−1, ..., 0 (its generator denoises one level at a time), but step {i} goes from {t} to {expectedNext}; use scheduler.ddgan with steps = T (or a slice of that schedule).");
            }
        }
    }
}
