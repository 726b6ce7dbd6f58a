using Diffusion.Contracts;
using Diffusion.Sdk;

namespace Diffusion.Plugins.Samplers;

/// <summary>Params of <c>sampler.heun</c> (diffusers' <c>HeunDiscreteScheduler</c>).</summary>
public sealed record HeunSamplerOptions
{
    [Param("What the denoiser predicts; null: as the denoiser declares.")]
    public PredictionType? PredictionType { get; init; }

    [Param("Clip the denoised estimate to ±clip_sample_range.")]
    public bool ClipSample { get; init; }

    [Param("Bound for clip_sample.", Min = 0)]
    public double ClipSampleRange { get; init; } = 1.0;

    [Param("Initial noise scale: sigma_max, or unit_variance = sqrt(sigma_max²+1) (diffusers' leading spacing).")]
    public InitNoiseScale InitNoiseSigma { get; init; } = InitNoiseScale.SigmaMax;
}
