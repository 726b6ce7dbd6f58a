using Diffusion.Contracts;

namespace Diffusion.Plugins.Distillation;

/// <summary>Params of <c>train.distill</c> (progressive distillation, Salimans &amp; Ho 2022).</summary>
public sealed record ProgressiveDistillOptions
{
    [Param("Steps N of the teacher's DDIM sampler in the first round; every round halves it (the student of a round takes half its teacher's steps).", Min = 2, Max = 10000)]
    public int TeacherSteps { get; init; } = 64;

    [Param("Steps of the final student: teacher_steps / 2^rounds (e.g. 64 -> 8 is three rounds).", Min = 1, Max = 5000)]
    public int StudentSteps { get; init; } = 8;

    [Param("Optimisation steps per round (halving).", Min = 1, Max = 100_000_000)]
    public int StepsPerRound { get; init; } = 1000;

    [Param("Batch size.", Min = 1, Max = 1_000_000)]
    public int Batch { get; init; } = 256;

    [Param("AdamW learning rate (a fresh optimizer each round).", Min = 0)]
    public double Lr { get; init; } = 1e-4;

    [Param("Learning rate within each round: constant, or linear decay from lr to 0 at the round's last step.", Choices = ["constant", "linear"])]
    public string LrSchedule { get; init; } = "linear";

    [Param("AdamW betas [beta1, beta2].")]
    public double[] Betas { get; init; } = [0.9, 0.999];

    [Param("AdamW decoupled weight decay.", Min = 0)]
    public double WeightDecay { get; init; }

    [Param("Clip the global gradient norm to this (0: off).", Min = 0)]
    public double GradClip { get; init; } = 1.0;

    [Param("Decay of an exponential moving average of the student (0: off); when on, the average is the round's output and the next round's teacher.", Min = 0, Max = 1)]
    public double EmaDecay { get; init; }

    [Param("What the student predicts: v_prediction (Salimans & Ho 2022, Sec. 4; stable at the low SNR of few steps) or same (the teacher's).", Choices = ["v_prediction", "same"])]
    public string StudentPrediction { get; init; } = "v_prediction";

    [Param("Loss weight on ‖x̂ − x̃‖²: truncated_snr = max(α²/σ², 1) (Salimans & Ho 2022, Sec. 4), snr_plus_one = α²/σ² + 1 (the v-loss), or none.", Choices = ["truncated_snr", "snr_plus_one", "none"])]
    public string Weighting { get; init; } = "truncated_snr";

    [Param("Probability of replacing a class label by the null label (teacher and student see the same), so the student keeps its unconditional branch for guidance; used only with labelled data and a class-conditional teacher.", Min = 0, Max = 1)]
    public double LabelDropout { get; init; } = 0.1;

    [Param("Distinct student steps per batch (0: one per item). Items are grouped by step for the teacher's sampler; a few draws per batch make fewer, larger teacher calls.", Min = 0, Max = 1_000_000)]
    public int TimesPerBatch { get; init; }

    [Param("Seed of the training generator (data, steps, noise, label dropout).")]
    public long Seed { get; init; }

    [Param("Write a checkpoint every this many steps (0: only at the end, when checkpoint_path is set).", Min = 0, Max = 100_000_000)]
    public int CheckpointEvery { get; init; }

    [Param("Checkpoint file (safetensors; overwritten atomically), relative to the output folder; denoiser.mlp2d / denoiser.unet2d load it as the student.", Path = PathKind.OutputFile)]
    public string? CheckpointPath { get; init; }

    [Param("A train.distill checkpoint to resume from (student, average, teacher of later rounds, optimizer, step and generator state).", Path = PathKind.InputFile)]
    public string? Resume { get; init; }

    [Param("Label of the metrics output (absent: the node id).")]
    public string? Label { get; init; }
}
