using Diffusion.Contracts;

namespace Diffusion.Plugins.Ddpm;

/// <summary>Params of <c>sampler.ddpm</c>; names and defaults follow diffusers' <c>DDPMScheduler</c>.</summary>
public sealed record DdpmSamplerOptions
{
    [Param("What the denoiser predicts; null: as the denoiser declares.")]
    public PredictionType? PredictionType { get; init; }

    [Param("Reverse variance: fixed_small (β̃_t), fixed_small_log (β̃_t via its log), fixed_large (β_t).")]
    public DdpmVarianceType VarianceType { get; init; } = DdpmVarianceType.FixedSmall;

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
}
