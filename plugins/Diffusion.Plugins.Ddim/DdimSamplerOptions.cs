using Diffusion.Contracts;

namespace Diffusion.Plugins.Ddim;

/// <summary>Params of <c>sampler.ddim</c>; names and defaults follow diffusers' <c>DDIMScheduler</c> and its step().</summary>
public sealed record DdimSamplerOptions
{
    /// <summary>η of Song et al. 2021, Eq. 16: 0 is deterministic DDIM, 1 is DDPM-like ancestral noise.</summary>
    [Param("η (Song et al. 2021, Eq. 16): 0 deterministic, 1 DDPM-like.", Min = 0, Max = 1)]
    public double Eta { get; init; }

    /// <summary>What the denoiser predicts; <c>auto</c> reads it from the denoiser.</summary>
    [Param("What the denoiser predicts (auto: as the denoiser declares).", Choices = ["auto", "epsilon", "v_prediction", "sample"])]
    public string PredictionType { get; init; } = "auto";

    /// <summary>Clip the predicted x_0 to ±<see cref="ClipSampleRange"/> (ignored when thresholding).</summary>
    [Param("Clip the predicted x_0 to ±clip_sample_range.")]
    public bool ClipSample { get; init; } = true;

    /// <summary>The clipping bound.</summary>
    [Param("Bound for clip_sample.", Min = 0)]
    public double ClipSampleRange { get; init; } = 1.0;

    /// <summary>Dynamic thresholding of the predicted x_0 (Saharia et al. 2022, Sec. 2.3).</summary>
    [Param("Dynamic thresholding of the predicted x_0 (Saharia et al. 2022).")]
    public bool Thresholding { get; init; }

    /// <summary>The percentile of |x_0| used as the threshold.</summary>
    [Param("Percentile of |x_0| used as the threshold.", Min = 0, Max = 1)]
    public double DynamicThresholdingRatio { get; init; } = 0.995;

    /// <summary>The largest threshold.</summary>
    [Param("Largest threshold for dynamic thresholding.", Min = 1)]
    public double SampleMaxValue { get; init; } = 1.0;

    /// <summary>Re-derive ε̂ from the clipped x̂_0 (diffusers' use_clipped_model_output).</summary>
    [Param("Re-derive the noise prediction from the clipped x_0.")]
    public bool UseClippedModelOutput { get; init; }

    /// <summary>
    /// Which timestep a step goes to: <c>stride</c> is t − T // N as diffusers' DDIMScheduler computes it (exact for
    /// leading and evenly divisible trailing spacing), <c>next</c> the next timestep of the schedule.
    /// </summary>
    [Param("Previous timestep: stride (t − T//N, as diffusers) or next (the schedule's next timestep).", Choices = ["stride", "next"])]
    public string PreviousTimestep { get; init; } = "stride";
}
