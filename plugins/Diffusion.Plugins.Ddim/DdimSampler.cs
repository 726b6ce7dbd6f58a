using Diffusion.Contracts;
using Diffusion.Sdk;
using static TorchSharp.torch;

namespace Diffusion.Plugins.Ddim;

/// <summary>
/// DDIM (Song et al. 2021, Eq. 12): x_{t'} = sqrt(ᾱ_{t'}) x̂_0 + sqrt(1 − ᾱ_{t'} − σ_t²) ε̂ + σ_t z, with
/// σ_t = η sqrt((1 − ᾱ_{t'})/(1 − ᾱ_t)) sqrt(1 − ᾱ_t/ᾱ_{t'}) (Eq. 16), as diffusers' <c>DDIMScheduler.step</c>.
/// </summary>
public sealed class DdimSampler : ISampler
{
    private readonly DdimSamplerOptions options;

    /// <summary>Creates the sampler.</summary>
    public DdimSampler(DdimSamplerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfNegative(options.Eta);
        this.options = options;
        Info = new SamplerInfo("ddim", Stochastic: options.Eta > 0)
        {
            Needs = ScheduleFeatures.AlphasCumprod,
            Predictions = [PredictionType.Epsilon, PredictionType.VPrediction, PredictionType.Sample, PredictionType.Score],
        };
    }

    /// <inheritdoc />
    public SamplerInfo Info { get; }

    /// <inheritdoc />
    public SamplingResult Sample(SamplingRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var prediction = Parameterization.Resolve(options.PredictionType, request.Denoiser);
        SamplerRequirements.Ensure(Info, request, prediction);
        var alphasCumprod = request.Scheduler.AlphasCumprod;
        var schedule = request.Schedule;
        var timesteps = schedule.Timesteps;
        // diffusers' DDIMScheduler.step: prev_timestep = t − T // num_inference_steps, N of the full schedule (not of a
        // slice), so a run split in two takes exactly the steps of the whole run.
        int stride = request.Scheduler.TrainTimesteps / schedule.TotalSteps;
        var x = SamplerTensors.Initial(request, initNoiseSigma: 1.0);
        for (int i = 0; i < timesteps.Count; i++)
        {
            request.CancellationToken.ThrowIfCancellationRequested();
            using var scope = NewDisposeScope();
            var r = Precision.Of(x);
            int t = (int)timesteps[i];
            int previousT = options.PreviousTimestep == DdimPreviousTimestep.Next
                ? (i + 1 < timesteps.Count ? (int)timesteps[i + 1] : (int)(schedule.EndTimestep ?? -1))
                : t - stride;
            double alphaProdT = r(alphasCumprod[t]);
            double alphaProdPrev = r(previousT >= 0 ? alphasCumprod[previousT] : schedule.FinalAlphaCumprod);

            var modelOutput = request.Predict(x, SamplerTensors.Time(request, t)).to(x.dtype);
            var x0 = Parameterization.Denoised(prediction, modelOutput, x, alphaProdT);
            var epsilon = Parameterization.Epsilon(prediction, modelOutput, x, x0, alphaProdT);
            x0 = Parameterization.Limit(x0, options.Thresholding, options.DynamicThresholdingRatio, options.SampleMaxValue,
                options.ClipSample, options.ClipSampleRange);
            if (options.UseClippedModelOutput)
            {
                epsilon = Parameterization.Epsilon(PredictionType.Sample, modelOutput, x, x0, alphaProdT);
            }

            // Eq. 16: σ_t(η); then Eq. 12.
            double variance = r(r(r(1 - alphaProdPrev) / r(1 - alphaProdT)) * r(1 - r(alphaProdT / alphaProdPrev)));
            double sigmaT = r(options.Eta * r(Math.Sqrt(variance)));
            double directionCoefficient = r(Math.Sqrt(r(r(1 - alphaProdPrev) - r(sigmaT * sigmaT))));
            var next = r(Math.Sqrt(alphaProdPrev)) * x0 + directionCoefficient * epsilon;
            if (options.Eta > 0)
            {
                next = next + sigmaT * SamplerTensors.Noise(request);
            }

            next = next.MoveToOuterDisposeScope();
            request.OnStep?.Invoke(new SamplerStep(i, timesteps.Count, t, next, x0));
            SamplerTensors.Replace(ref x, next);
        }

        return new SamplingResult(x, timesteps.Count, timesteps.Count);
    }
}
