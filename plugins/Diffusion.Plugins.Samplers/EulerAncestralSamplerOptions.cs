using Diffusion.Contracts;

namespace Diffusion.Plugins.Samplers;

/// <summary>Params of <c>sampler.euler_ancestral</c> (diffusers' <c>EulerAncestralDiscreteScheduler</c>).</summary>
public sealed record EulerAncestralSamplerOptions
{
    /// <summary>What the denoiser predicts; <c>auto</c> reads it from the denoiser.</summary>
    [Param("What the denoiser predicts (auto: as the denoiser declares).", Choices = ["auto", "epsilon", "v_prediction"])]
    public string PredictionType { get; init; } = "auto";

    /// <summary>How x_T is scaled when the sampler draws it.</summary>
    [Param("Initial noise scale: sigma_max, or unit_variance = sqrt(sigma_max²+1) (diffusers' leading spacing).", Choices = ["sigma_max", "unit_variance"])]
    public string InitNoiseSigma { get; init; } = "sigma_max";
}
