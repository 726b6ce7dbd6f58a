using Diffusion.Contracts;

namespace Diffusion.Plugins.Training;

/// <summary>Params of <c>train.denoising</c>.</summary>
public sealed record DenoisingTrainOptions
{
    [Param("Optimisation steps in total; a resumed run continues from its checkpoint's step up to this.", Min = 1, Max = 100_000_000)]
    public int Steps { get; init; } = 2000;

    [Param("Batch size.", Min = 1, Max = 1_000_000)]
    public int Batch { get; init; } = 256;

    [Param("AdamW learning rate.", Min = 0)]
    public double Lr { get; init; } = 1e-3;

    [Param("Learning-rate schedule: constant (lr after the warm-up) or cosine (from lr down to lr * lr_min_ratio at the last step, as diffusers' get_cosine_schedule_with_warmup). A pure function of the step: a resumed run continues it, computed over steps.", Choices = [LearningRateSchedule.Constant, LearningRateSchedule.Cosine])]
    public string LrSchedule { get; init; } = LearningRateSchedule.Constant;

    [Param("Steps of linear learning-rate warm-up from 0 to lr (step / lr_warmup_steps); at most steps.", Min = 0, Max = 100_000_000)]
    public int LrWarmupSteps { get; init; }

    [Param("Floor of the cosine schedule as a fraction of lr: factor = lr_min_ratio + (1 - lr_min_ratio) * 0.5 * (1 + cos(pi * progress)). Ignored by constant.", Min = 0, Max = 1)]
    public double LrMinRatio { get; init; }

    [Param("AdamW decoupled weight decay.", Min = 0)]
    public double WeightDecay { get; init; }

    [Param("AdamW betas [beta1, beta2].")]
    public double[] Betas { get; init; } = [0.9, 0.999];

    [Param("AdamW epsilon.", Min = 0)]
    public double Eps { get; init; } = 1e-8;

    [Param("Decay of the exponential moving average of the weights (0: off). The output is the EMA network when on.", Min = 0, Max = 1)]
    public double EmaDecay { get; init; } = 0.999;

    [Param("EMA warm-up: power (diffusers EMAModel use_ema_warmup, 1 - (1 + step)^-2/3), simple ((1 + step)/(10 + step)), or none (constant decay).", Choices = ["power", "simple", "none"])]
    public string EmaWarmup { get; init; } = "power";

    [Param("Clip the global gradient norm to this (0: off).", Min = 0)]
    public double GradClip { get; init; } = 1.0;

    [Param("The loss: auto picks the target from the denoiser's prediction type (epsilon: ε, v_prediction: v, sample: x0, score: σ²-weighted DSM).", Choices = ["auto"])]
    public string Loss { get; init; } = "auto";

    [Param("Seed of the training generator (data, noise, times, label dropout).")]
    public long Seed { get; init; }

    [Param("Probability of replacing a class label by the null label (classifier-free guidance); used only for labelled data and class-conditional denoisers.", Min = 0, Max = 1)]
    public double LabelDropout { get; init; } = 0.1;

    [Param("Write a checkpoint every this many steps (0: only at the end, when checkpoint_path is set).", Min = 0, Max = 100_000_000)]
    public int CheckpointEvery { get; init; }

    [Param("Checkpoint file (safetensors; overwritten atomically each time), relative to the output folder.", Path = PathKind.OutputFile)]
    public string? CheckpointPath { get; init; }

    [Param("A train.denoising checkpoint to resume from (weights, EMA, optimizer, step and generator state).", Path = PathKind.InputFile)]
    public string? Resume { get; init; }

    [Param("Label of the metrics output (absent: the node id).")]
    public string? Label { get; init; }
}
