using Diffusion.Contracts;

namespace Diffusion.Plugins.Ddim;

/// <summary>Params of <c>sampler.ddim</c>; names and defaults follow diffusers' <c>DDIMScheduler</c> and its step().</summary>
public sealed record DdimSamplerOptions
{
    [Param("η (Song et al. 2021, Eq. 16): 0 deterministic, 1 DDPM-like ancestral noise.", Min = 0, Max = 1)]
    public double Eta { get; init; }

    [Param("What the denoiser predicts; null: as the denoiser declares.")]
    public PredictionType? PredictionType { get; init; }

    [Param("Clip the predicted x_0 to ±clip_sample_range (ignored when thresholding).")]
    public bool ClipSample { get; init; } = true;

    [Param("Bound for clip_sample.", Min = 0)]
    public double ClipSampleRange { get; init; } = 1.0;

    [Param("Dynamic thresholding of the predicted x_0 (Saharia et al. 2022, Sec. 2.3).")]
    public bool Thresholding { get; init; }

    [Param("Percentile of |x_0| used as the threshold.", Min = 0, Max = 1)]
    public double DynamicThresholdingRatio { get; init; } = 0.995;

    [Param("Largest threshold for dynamic thresholding.", Min = 1)]
    public double SampleMaxValue { get; init; } = 1.0;

    [Param("Re-derive the noise prediction from the clipped x_0 (diffusers' use_clipped_model_output).")]
    public bool UseClippedModelOutput { get; init; }

    [Param("Previous timestep: stride (t − T//N of the full schedule, as diffusers; exact for leading and evenly divisible trailing spacing) or next (the schedule's next timestep).")]
    public DdimPreviousTimestep PreviousTimestep { get; init; } = DdimPreviousTimestep.Stride;
}
