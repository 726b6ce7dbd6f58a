using Diffusion.Contracts;

namespace Diffusion.Plugins.Ddpm;

/// <summary>Params of <c>sampler.ddpm</c>; names and defaults follow diffusers' <c>DDPMScheduler</c>.</summary>
public sealed record DdpmSamplerOptions
{
    /// <summary>What the denoiser predicts; <c>auto</c> reads it from the denoiser's <see cref="DenoiserInfo.Prediction"/>.</summary>
    [Param("What the denoiser predicts (auto: as the denoiser declares).", Choices = ["auto", "epsilon", "v_prediction", "sample"])]
    public string PredictionType { get; init; } = "auto";

    /// <summary>The reverse-process variance σ_t² (Ho et al. 2020, Sec. 3.2).</summary>
    [Param("Reverse variance: fixed_small (β̃_t), fixed_small_log (β̃_t via its log), fixed_large (β_t).",
        Choices = ["fixed_small", "fixed_small_log", "fixed_large"])]
    public string VarianceType { get; init; } = "fixed_small";

    /// <summary>Clip the predicted x_0 to ±<see cref="ClipSampleRange"/> (ignored when thresholding).</summary>
    [Param("Clip the predicted x_0 to ±clip_sample_range.")]
    public bool ClipSample { get; init; } = true;

    /// <summary>The clipping bound.</summary>
    [Param("Bound for clip_sample.", Min = 0)]
    public double ClipSampleRange { get; init; } = 1.0;

    /// <summary>Dynamic thresholding of the predicted x_0 (Saharia et al. 2022, Imagen, Sec. 2.3).</summary>
    [Param("Dynamic thresholding of the predicted x_0 (Saharia et al. 2022).")]
    public bool Thresholding { get; init; }

    /// <summary>The percentile of |x_0| used as the threshold s.</summary>
    [Param("Percentile of |x_0| used as the threshold.", Min = 0, Max = 1)]
    public double DynamicThresholdingRatio { get; init; } = 0.995;

    /// <summary>The largest threshold s.</summary>
    [Param("Largest threshold for dynamic thresholding.", Min = 1)]
    public double SampleMaxValue { get; init; } = 1.0;
}
