using Diffusion.Contracts;
using Diffusion.Sdk;
using static TorchSharp.torch;

namespace Diffusion.Plugins.Ddpm;

/// <summary>
/// Ancestral sampling of DDPM (Ho et al. 2020, Algorithm 2) over the scheduler's timesteps: x_{t'} ~ q(x_{t'} | x_t, x̂_0)
/// with mean from Eq. 7 and the fixed variances of Sec. 3.2, as diffusers' <c>DDPMScheduler.step</c>.
/// </summary>
public sealed class DdpmSampler : ISampler
{
    private readonly DdpmSamplerOptions options;

    /// <summary>Creates the sampler.</summary>
    public DdpmSampler(DdpmSamplerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        this.options = options;
    }

    /// <inheritdoc />
    public SamplerInfo Info { get; } = new("ddpm", Stochastic: true)
    {
        Needs = ScheduleFeatures.AlphasCumprod,
        Predictions = [PredictionType.Epsilon, PredictionType.VPrediction, PredictionType.Sample, PredictionType.Score],
    };

    /// <inheritdoc />
    public SamplingResult Sample(SamplingRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var prediction = Parameterization.Resolve(options.PredictionType, request.Denoiser);
        SamplerRequirements.Ensure(Info, request, prediction);
        var alphasCumprod = request.Scheduler.AlphasCumprod;
        var timesteps = request.Schedule.Timesteps;
        var x = SamplerTensors.Initial(request, initNoiseSigma: 1.0);
        for (int i = 0; i < timesteps.Count; i++)
        {
            request.CancellationToken.ThrowIfCancellationRequested();
            using var scope = NewDisposeScope();
            int t = (int)timesteps[i];
            int previousT = i + 1 < timesteps.Count ? (int)timesteps[i + 1] : (int)(request.Schedule.EndTimestep ?? -1);
            var r = Precision.Of(x);
            double alphaProdT = r(alphasCumprod[t]);
            double alphaProdPrev = previousT >= 0 ? r(alphasCumprod[previousT]) : 1.0;
            double betaProdT = r(1 - alphaProdT), betaProdPrev = r(1 - alphaProdPrev);
            double currentAlphaT = r(alphaProdT / alphaProdPrev), currentBetaT = r(1 - currentAlphaT);

            var modelOutput = request.Predict(x, SamplerTensors.Time(request, t)).to(x.dtype);
            var x0 = Parameterization.Denoised(prediction, modelOutput, x, alphaProdT);
            x0 = Parameterization.Limit(x0, options.Thresholding, options.DynamicThresholdingRatio, options.SampleMaxValue,
                options.ClipSample, options.ClipSampleRange);

            // Eq. 7: μ̃_t = sqrt(ᾱ_{t'}) β_t/(1 − ᾱ_t) x̂_0 + sqrt(α_t)(1 − ᾱ_{t'})/(1 − ᾱ_t) x_t.
            double x0Coefficient = r(r(r(Math.Sqrt(alphaProdPrev)) * currentBetaT) / betaProdT);
            double xCoefficient = r(r(r(Math.Sqrt(currentAlphaT)) * betaProdPrev) / betaProdT);
            var next = x0Coefficient * x0 + xCoefficient * x;
            if (t > 0)
            {
                var noise = SamplerTensors.Noise(request);
                next = next + StandardDeviation(betaProdPrev, betaProdT, currentBetaT, r) * noise;
            }

            next = next.MoveToOuterDisposeScope();
            request.OnStep?.Invoke(new SamplerStep(i, timesteps.Count, t, next, x0));
            SamplerTensors.Replace(ref x, next);
        }

        return new SamplingResult(x, timesteps.Count, timesteps.Count);
    }

    /// <summary>σ_t of Sec. 3.2: sqrt(β̃_t) with β̃_t = (1 − ᾱ_{t−1})/(1 − ᾱ_t) β_t (Eq. 7), or sqrt(β_t) for fixed_large.</summary>
    private double StandardDeviation(double betaProdPrev, double betaProdT, double currentBetaT, Func<double, double> r)
    {
        double posteriorVariance = Math.Max(r(r(betaProdPrev / betaProdT) * currentBetaT), 1e-20);
        return options.VarianceType switch
        {
            DdpmVarianceType.FixedSmall => r(Math.Sqrt(posteriorVariance)),
            DdpmVarianceType.FixedSmallLog => r(Math.Exp(r(0.5 * r(Math.Log(posteriorVariance))))),
            DdpmVarianceType.FixedLarge => r(Math.Sqrt(currentBetaT)),
            _ => throw new NotSupportedException($"sampler.ddpm: variance_type {options.VarianceType} is not supported."),
        };
    }
}
