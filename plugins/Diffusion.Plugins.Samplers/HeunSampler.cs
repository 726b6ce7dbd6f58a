using Diffusion.Contracts;
using Diffusion.Sdk;
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
    public SamplerInfo Info { get; } = new("heun", Stochastic: false) { Needs = ScheduleFeatures.Sigmas };

    /// <inheritdoc />
    public SamplingResult Sample(SamplingRequest request)
    {
        var model = SigmaDenoiser.For(request, options.PredictionType, Info);
        var (sigmas, timesteps) = (model.Sigmas, request.Schedule.Timesteps);
        var x = model.Initial(options.InitNoiseSigma);
        int total = 2 * timesteps.Count - 1, entry = 0;
        for (int i = 0; i < timesteps.Count; i++)
        {
            request.CancellationToken.ThrowIfCancellationRequested();
            using var scope = NewDisposeScope();
            var r = Precision.Of(x);
            double dt = r(sigmas[i + 1] - sigmas[i]);
            var denoised = Clip(model.Denoise(x, i));
            var d = (x - denoised) / sigmas[i];
            var predicted = (x + d * dt).MoveToOuterDisposeScope();
            request.OnStep?.Invoke(new SamplerStep(entry++, total, timesteps[i], predicted, denoised));
            if (sigmas[i + 1] == 0)
            {
                SamplerTensors.Replace(ref x, predicted);
                continue;
            }

            // Karras et al. 2022, Algorithm 1, lines 9–11: d' = (x' − D(x'; σ_{i+1}))/σ_{i+1}, x = x + Δσ (d + d')/2.
            // A slice that stops early evaluates the corrector at its last level with the σ → t interpolation.
            double nextTime = i + 1 < timesteps.Count ? timesteps[i + 1] : model.ModelTime(sigmas[i + 1]);
            var denoisedNext = Clip(model.Denoise(predicted, sigmas[i + 1], nextTime));
            var dNext = (predicted - denoisedNext) / sigmas[i + 1];
            var next = (x + (d + dNext) / 2 * dt).MoveToOuterDisposeScope();
            predicted.Dispose();
            request.OnStep?.Invoke(new SamplerStep(entry++, total, nextTime, next, denoisedNext));
            SamplerTensors.Replace(ref x, next);
        }

        return model.Result(x, timesteps.Count);
    }

    private Tensor Clip(Tensor denoised) => options.ClipSample ? denoised.clamp(-options.ClipSampleRange, options.ClipSampleRange) : denoised;
}
