using Diffusion.Contracts;
using Diffusion.Plugins.Shared;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Plugins.Samplers;

/// <summary>
/// Euler ancestral sampling (k-diffusion's <c>sample_euler_ancestral</c>): an Euler step down to σ_down, then fresh noise
/// of scale σ_up, with σ_up = sqrt(σ_{i+1}² (σ_i² − σ_{i+1}²)/σ_i²) and σ_down = sqrt(σ_{i+1}² − σ_up²) (the DDPM
/// posterior split in sigma space; Song et al. 2021, DDIM Eq. 16 with η = 1).
/// </summary>
public sealed class EulerAncestralSampler : ISampler
{
    private readonly EulerAncestralSamplerOptions options;

    /// <summary>Creates the sampler.</summary>
    public EulerAncestralSampler(EulerAncestralSamplerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        this.options = options;
    }

    /// <inheritdoc />
    public SamplerInfo Info { get; } = new("euler_ancestral", Stochastic: true);

    /// <inheritdoc />
    public SamplingResult Sample(SamplingRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var prediction = PredictedOriginal.Resolve(options.PredictionType, request.Denoiser);
        var schedule = request.Scheduler.CreateInferenceSchedule(request.Steps);
        var (timesteps, sigmas) = (schedule.Timesteps, schedule.Sigmas);
        var x = SamplerTensors.Initial(request, SigmaSpace.InitNoiseSigma(sigmas, options.InitNoiseSigma));
        for (int i = 0; i < timesteps.Count; i++)
        {
            request.CancellationToken.ThrowIfCancellationRequested();
            using var scope = NewDisposeScope();
            var r = Precision.Of(x);
            double sigmaFrom = sigmas[i], sigmaTo = sigmas[i + 1];
            var denoised = SigmaSpace.Denoise(request, prediction, x, sigmaFrom, timesteps[i]);
            double fromSquared = r(sigmaFrom * sigmaFrom), toSquared = r(sigmaTo * sigmaTo);
            double sigmaUp = r(Math.Sqrt(r(r(toSquared * r(fromSquared - toSquared)) / fromSquared)));
            double sigmaDown = r(Math.Sqrt(r(toSquared - r(sigmaUp * sigmaUp))));
            var derivative = (x - denoised) / sigmaFrom;
            var next = x + derivative * r(sigmaDown - sigmaFrom);
            // diffusers draws the noise on every step, the last (σ_up = 0) included, so the generator advances as there.
            next = (next + SamplerTensors.Noise(request) * sigmaUp).MoveToOuterDisposeScope();
            request.OnStep?.Invoke(new SamplerStep(i, timesteps.Count, timesteps[i], next, denoised));
            SamplerTensors.Replace(ref x, next);
        }

        return new SamplingResult(x, timesteps.Count, timesteps.Count);
    }
}
