using Diffusion.Contracts;

namespace Diffusion.Plugins.Samplers;

/// <summary>Params of <c>sampler.heun</c> (diffusers' <c>HeunDiscreteScheduler</c>).</summary>
public sealed record HeunSamplerOptions
{
    /// <summary>What the denoiser predicts; <c>auto</c> reads it from the denoiser.</summary>
    [Param("What the denoiser predicts (auto: as the denoiser declares).", Choices = ["auto", "epsilon", "v_prediction", "sample"])]
    public string PredictionType { get; init; } = "auto";

    /// <summary>Clip the denoised estimate to ±<see cref="ClipSampleRange"/>.</summary>
    [Param("Clip the denoised estimate to ±clip_sample_range.")]
    public bool ClipSample { get; init; }

    /// <summary>The clipping bound.</summary>
    [Param("Bound for clip_sample.", Min = 0)]
    public double ClipSampleRange { get; init; } = 1.0;

    /// <summary>How x_T is scaled when the sampler draws it.</summary>
    [Param("Initial noise scale: sigma_max, or unit_variance = sqrt(sigma_max²+1) (diffusers' leading spacing).", Choices = ["sigma_max", "unit_variance"])]
    public string InitNoiseSigma { get; init; } = "sigma_max";
}
