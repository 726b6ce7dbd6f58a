using Diffusion.Contracts;

namespace Diffusion.Plugins.Samplers;

/// <summary>Params of <c>sampler.pndm</c> (diffusers' <c>PNDMScheduler</c>).</summary>
public sealed record PndmSamplerOptions
{
    /// <summary>What the denoiser predicts; <c>auto</c> reads it from the denoiser.</summary>
    [Param("What the denoiser predicts (auto: as the denoiser declares).", Choices = ["auto", "epsilon", "v_prediction"])]
    public string PredictionType { get; init; } = "auto";

    /// <summary>Start with PLMS at once (true, Stable Diffusion's setting) instead of three pseudo Runge–Kutta steps.</summary>
    [Param("Skip the three pseudo Runge-Kutta warm-up steps and start with PLMS (Stable Diffusion's setting).")]
    public bool SkipPrkSteps { get; init; } = true;
}
