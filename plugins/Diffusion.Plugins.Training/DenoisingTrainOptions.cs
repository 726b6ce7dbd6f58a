using Diffusion.Contracts;

namespace Diffusion.Plugins.Training;

/// <summary>Params of <c>train.denoising</c>.</summary>
public sealed record DenoisingTrainOptions
{
    /// <summary>Optimisation steps in total (a resumed run continues up to this number).</summary>
    [Param("Optimisation steps in total; a resumed run continues from its checkpoint's step up to this.", Min = 1, Max = 100_000_000)]
    public int Steps { get; init; } = 2000;

    /// <summary>Batch size.</summary>
    [Param("Batch size.", Min = 1, Max = 1_000_000)]
    public int Batch { get; init; } = 256;

    /// <summary>AdamW learning rate.</summary>
    [Param("AdamW learning rate.", Min = 0)]
    public double Lr { get; init; } = 1e-3;

    /// <summary>Learning-rate schedule after the warm-up (see <see cref="LearningRateSchedule"/>).</summary>
    [Param("Learning-rate schedule: constant (lr after the warm-up) or cosine (from lr down to lr * lr_min_ratio at the last step, as diffusers' get_cosine_schedule_with_warmup). A pure function of the step: a resumed run continues it, computed over steps.", Choices = [LearningRateSchedule.Constant, LearningRateSchedule.Cosine])]
    public string LrSchedule { get; init; } = LearningRateSchedule.Constant;

    /// <summary>Steps of linear learning-rate warm-up from 0 to <see cref="Lr"/>.</summary>
    [Param("Steps of linear learning-rate warm-up from 0 to lr (step / lr_warmup_steps); at most steps.", Min = 0, Max = 100_000_000)]
    public int LrWarmupSteps { get; init; }

    /// <summary>The cosine schedule's floor as a fraction of <see cref="Lr"/>.</summary>
    [Param("Floor of the cosine schedule as a fraction of lr: factor = lr_min_ratio + (1 - lr_min_ratio) * 0.5 * (1 + cos(pi * progress)). Ignored by constant.", Min = 0, Max = 1)]
    public double LrMinRatio { get; init; }

    /// <summary>AdamW decoupled weight decay (Loshchilov &amp; Hutter 2019).</summary>
    [Param("AdamW decoupled weight decay.", Min = 0)]
    public double WeightDecay { get; init; }

    /// <summary>AdamW (β₁, β₂).</summary>
    [Param("AdamW betas [beta1, beta2].")]
    public double[] Betas { get; init; } = [0.9, 0.999];

    /// <summary>AdamW ε.</summary>
    [Param("AdamW epsilon.", Min = 0)]
    public double Eps { get; init; } = 1e-8;

    /// <summary>EMA decay (0: no EMA).</summary>
    [Param("Decay of the exponential moving average of the weights (0: off). The output is the EMA network when on.", Min = 0, Max = 1)]
    public double EmaDecay { get; init; } = 0.999;

    /// <summary>EMA warm-up rule.</summary>
    [Param("EMA warm-up: power (diffusers EMAModel use_ema_warmup, 1 - (1 + step)^-2/3), simple ((1 + step)/(10 + step)), or none (constant decay).", Choices = ["power", "simple", "none"])]
    public string EmaWarmup { get; init; } = "power";

    /// <summary>Maximum global gradient norm (0: no clipping).</summary>
    [Param("Clip the global gradient norm to this (0: off).", Min = 0)]
    public double GradClip { get; init; } = 1.0;

    /// <summary>The loss; auto picks it from the denoiser's prediction type.</summary>
    [Param("The loss: auto picks the target from the denoiser's prediction type (epsilon: ε, v_prediction: v, sample: x0, score: σ²-weighted DSM).", Choices = ["auto"])]
    public string Loss { get; init; } = "auto";

    /// <summary>Seed of the training generator (batches, times, noise, label dropout).</summary>
    [Param("Seed of the training generator (data, noise, times, label dropout).")]
    public long Seed { get; init; }

    /// <summary>Probability of replacing a label by the null label (classifier-free guidance training).</summary>
    [Param("Probability of replacing a class label by the null label (classifier-free guidance); used only for labelled data and class-conditional denoisers.", Min = 0, Max = 1)]
    public double LabelDropout { get; init; } = 0.1;

    /// <summary>Write a checkpoint every this many steps (0: only at the end when a path is given).</summary>
    [Param("Write a checkpoint every this many steps (0: only at the end, when checkpoint_path is set).", Min = 0, Max = 100_000_000)]
    public int CheckpointEvery { get; init; }

    /// <summary>Where checkpoints go (safetensors, overwritten each time); null: none.</summary>
    [Param("Checkpoint file (safetensors; overwritten atomically each time), relative to the output folder.", Path = PathKind.OutputFile)]
    public string? CheckpointPath { get; init; }

    /// <summary>A checkpoint to resume from.</summary>
    [Param("A train.denoising checkpoint to resume from (weights, EMA, optimizer, step and generator state).", Path = PathKind.InputFile)]
    public string? Resume { get; init; }

    /// <summary>Label of the metric set (absent: the node id).</summary>
    [Param("Label of the metrics output (absent: the node id).")]
    public string? Label { get; init; }
}
