using Diffusion.Contracts;
using Diffusion.Plugins.Shared;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Plugins.Samplers;

/// <summary>
/// Heun's second-order method on the probability-flow ODE (Karras et al. 2022, Algorithm 1): an Euler predictor to
/// σ_{i+1}, then the trapezoidal corrector with the average of both slopes; the last step to σ = 0 is Euler only.
/// Every model call is reported as a step (2N − 1 entries, as diffusers' <c>HeunDiscreteScheduler</c> has).
/// </summary>
public sealed class HeunSampler : ISampler
{
    private readonly HeunSamplerOptions options;

    /// <summary>Creates the sampler.</summary>
    public HeunSampler(HeunSamplerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        this.options = options;
    }

    /// <inheritdoc />
    public SamplerInfo Info { get; } = new("heun", Stochastic: false);

    /// <inheritdoc />
    public SamplingResult Sample(SamplingRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var prediction = PredictedOriginal.Resolve(options.PredictionType, request.Denoiser);
        var schedule = request.Scheduler.CreateInferenceSchedule(request.Steps);
        var (timesteps, sigmas) = (schedule.Timesteps, schedule.Sigmas);
        var x = SamplerTensors.Initial(request, SigmaSpace.InitNoiseSigma(sigmas, options.InitNoiseSigma));
        int total = 2 * timesteps.Count - 1, entry = 0, evaluations = 0;
        for (int i = 0; i < timesteps.Count; i++)
        {
            request.CancellationToken.ThrowIfCancellationRequested();
            using var scope = NewDisposeScope();
            var r = Precision.Of(x);
            double sigma = sigmas[i], sigmaNext = sigmas[i + 1], dt = r(sigmaNext - sigma);
            var denoised = Denoise(request, prediction, x, sigma, timesteps[i]);
            var derivative = (x - denoised) / sigma;
            var predicted = x + derivative * dt;
            evaluations++;
            if (sigmaNext == 0)
            {
                predicted = predicted.MoveToOuterDisposeScope();
                request.OnStep?.Invoke(new SamplerStep(entry++, total, timesteps[i], predicted, denoised));
                SamplerTensors.Replace(ref x, predicted);
                continue;
            }

            request.OnStep?.Invoke(new SamplerStep(entry++, total, timesteps[i], predicted, denoised));
            // Karras et al. 2022, Algorithm 1, lines 9–11: d' = (x' − D(x'; σ_{i+1}))/σ_{i+1}, x = x + Δσ (d + d')/2.
            var denoisedNext = Denoise(request, prediction, predicted, sigmaNext, timesteps[i + 1]);
            var derivativeNext = (predicted - denoisedNext) / sigmaNext;
            var next = (x + (derivative + derivativeNext) / 2 * dt).MoveToOuterDisposeScope();
            evaluations++;
            request.OnStep?.Invoke(new SamplerStep(entry++, total, timesteps[i + 1], next, denoisedNext));
            SamplerTensors.Replace(ref x, next);
        }

        return new SamplingResult(x, evaluations, timesteps.Count);
    }

    private Tensor Denoise(SamplingRequest request, PredictionType prediction, Tensor x, double sigma, double timestep)
    {
        var denoised = SigmaSpace.Denoise(request, prediction, x, sigma, timestep);
        return options.ClipSample ? denoised.clamp(-options.ClipSampleRange, options.ClipSampleRange) : denoised;
    }
}
