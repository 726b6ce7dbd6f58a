using Diffusion.Contracts;
using Diffusion.Sdk;
using static TorchSharp.torch;

namespace Diffusion.Plugins.Samplers;

/// <summary>
/// Euler ancestral sampling (k-diffusion's <c>sample_euler_ancestral</c>): an Euler step down to σ_down, then fresh noise
/// of scale σ_up (<see cref="SigmaSteps.Ancestral"/>: the DDPM posterior split in sigma space, DDIM Eq. 16 with η).
/// </summary>
public sealed class EulerAncestralSampler : ISampler
{
    private readonly EulerAncestralSamplerOptions options;

    /// <summary>Creates the sampler.</summary>
    public EulerAncestralSampler(EulerAncestralSamplerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        this.options = options;
        Info = new SamplerInfo("euler_ancestral", Stochastic: options.Eta > 0) { Needs = ScheduleFeatures.Sigmas };
    }

    /// <inheritdoc />
    public SamplerInfo Info { get; }

    /// <inheritdoc />
    public SamplingResult Sample(SamplingRequest request)
    {
        var model = SigmaDenoiser.For(request, options.PredictionType, Info);
        var sigmas = model.Sigmas;
        var x = model.Initial(options.InitNoiseSigma);
        for (int i = 0; i < sigmas.Count - 1; i++)
        {
            request.CancellationToken.ThrowIfCancellationRequested();
            using var scope = NewDisposeScope();
            var r = Precision.Of(x);
            var denoised = model.Denoise(x, i);
            var (sigmaDown, sigmaUp) = SigmaSteps.Ancestral(sigmas[i], sigmas[i + 1], options.Eta, r);
            var d = (x - denoised) / sigmas[i];
            // diffusers draws the noise on every step, the last (σ_up = 0) included, so the generator advances as there.
            var next = (x + d * r(sigmaDown - sigmas[i]) + SamplerTensors.Noise(request) * sigmaUp).MoveToOuterDisposeScope();
            request.OnStep?.Invoke(new SamplerStep(i, sigmas.Count - 1, request.Schedule.Timesteps[i], next, denoised));
            SamplerTensors.Replace(ref x, next);
        }

        return model.Result(x, sigmas.Count - 1);
    }
}
