using Diffusion.Contracts;

namespace Diffusion.Plugins.Samplers;

/// <summary>Params of <c>sampler.pndm</c> (diffusers' <c>PNDMScheduler</c>).</summary>
public sealed record PndmSamplerOptions
{
    [Param("What the denoiser predicts (epsilon or v_prediction); null: as the denoiser declares.")]
    public PredictionType? PredictionType { get; init; }

    [Param("Skip the three pseudo Runge-Kutta warm-up steps and start with PLMS (Stable Diffusion's setting).")]
    public bool SkipPrkSteps { get; init; } = true;
}
