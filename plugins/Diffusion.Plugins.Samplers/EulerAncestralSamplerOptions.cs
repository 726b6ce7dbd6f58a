using Diffusion.Contracts;
using Diffusion.Sdk;

namespace Diffusion.Plugins.Samplers;

/// <summary>Params of <c>sampler.euler_ancestral</c> (diffusers' <c>EulerAncestralDiscreteScheduler</c>).</summary>
public sealed record EulerAncestralSamplerOptions
{
    [Param("What the denoiser predicts; null: as the denoiser declares.")]
    public PredictionType? PredictionType { get; init; }

    [Param("Initial noise scale: sigma_max, or unit_variance = sqrt(sigma_max²+1) (diffusers' leading spacing).")]
    public InitNoiseScale InitNoiseSigma { get; init; } = InitNoiseScale.SigmaMax;

    [Param("Ancestral noise amount eta (1: the DDPM posterior; 0: plain Euler).", Min = 0, Max = 1)]
    public double Eta { get; init; } = 1.0;
}
