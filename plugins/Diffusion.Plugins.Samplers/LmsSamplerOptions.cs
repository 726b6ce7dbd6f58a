using Diffusion.Contracts;
using Diffusion.Sdk;

namespace Diffusion.Plugins.Samplers;

/// <summary>Params of <c>sampler.lms</c> (diffusers' <c>LMSDiscreteScheduler</c>).</summary>
public sealed record LmsSamplerOptions
{
    [Param("What the denoiser predicts; null: as the denoiser declares.")]
    public PredictionType? PredictionType { get; init; }

    [Param("Order of the linear multistep method (the step kwarg order).", Min = 1, Max = 4)]
    public int Order { get; init; } = 4;

    [Param("Initial noise scale: sigma_max, or unit_variance = sqrt(sigma_max²+1) (diffusers' leading spacing).")]
    public InitNoiseScale InitNoiseSigma { get; init; } = InitNoiseScale.SigmaMax;
}
