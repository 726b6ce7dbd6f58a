using Diffusion.Contracts;

namespace Diffusion.Plugins.Samplers;

/// <summary>Params of <c>sampler.lms</c> (diffusers' <c>LMSDiscreteScheduler</c>).</summary>
public sealed record LmsSamplerOptions
{
    /// <summary>What the denoiser predicts; <c>auto</c> reads it from the denoiser.</summary>
    [Param("What the denoiser predicts (auto: as the denoiser declares).", Choices = ["auto", "epsilon", "v_prediction", "sample"])]
    public string PredictionType { get; init; } = "auto";

    /// <summary>Number of past derivatives combined (the step kwarg <c>order</c>).</summary>
    [Param("Order of the linear multistep method.", Min = 1, Max = 4)]
    public int Order { get; init; } = 4;

    /// <summary>How x_T is scaled when the sampler draws it.</summary>
    [Param("Initial noise scale: sigma_max, or unit_variance = sqrt(sigma_max²+1) (diffusers' leading spacing).", Choices = ["sigma_max", "unit_variance"])]
    public string InitNoiseSigma { get; init; } = "sigma_max";
}
