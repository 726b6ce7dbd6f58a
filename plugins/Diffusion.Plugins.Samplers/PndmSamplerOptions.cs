using Diffusion.Contracts;

namespace Diffusion.Plugins.Samplers;

/// <summary>Params of <c>sampler.pndm</c> (diffusers' <c>PNDMScheduler</c> with skip_prk_steps).</summary>
public sealed record PndmSamplerOptions
{
    /// <summary>What the denoiser predicts; <c>auto</c> reads it from the denoiser.</summary>
    [Param("What the denoiser predicts (auto: as the denoiser declares).", Choices = ["auto", "epsilon", "v_prediction"])]
    public string PredictionType { get; init; } = "auto";
}
