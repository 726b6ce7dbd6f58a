using Diffusion.Contracts;

namespace Diffusion.Plugins.Distillation;

/// <summary>Params of <c>train.consistency</c> (consistency distillation, Song et al. 2023, Algorithm 2).</summary>
public sealed record ConsistencyDistillOptions
{
    [Param("Number N of noise levels σ_min = σ_1 < ... < σ_N = σ_max (Karras spacing); the teacher solves the ODE across one interval per item (CIFAR-10 in the paper: 18).", Min = 2, Max = 10000)]
    public int Discretisation { get; init; } = 18;

    [Param("ρ of the Karras spacing of the levels.", Min = 0)]
    public double Rho { get; init; } = 7.0;

    [Param("σ_min, where the consistency function is the identity (null: the scheduler's σ at t = 0).", Min = 0)]
    public double? SigmaMin { get; init; }

    [Param("σ_max, the level sampling starts from (null: the scheduler's σ at t = T − 1).", Min = 0)]
    public double? SigmaMax { get; init; }

    [Param("σ_data of the c_skip/c_out scalings (0.5 in the paper, for data in [-1, 1]).", Min = 0)]
    public double SigmaData { get; init; } = 0.5;

    [Param("Optimisation steps in total; a resumed run continues up to this.", Min = 1, Max = 100_000_000)]
    public int Steps { get; init; } = 2000;

    [Param("Batch size.", Min = 1, Max = 1_000_000)]
    public int Batch { get; init; } = 256;

    [Param("AdamW learning rate (constant).", Min = 0)]
    public double Lr { get; init; } = 1e-4;

    [Param("AdamW betas [beta1, beta2].")]
    public double[] Betas { get; init; } = [0.9, 0.999];

    [Param("Clip the global gradient norm to this (0: off).", Min = 0)]
    public double GradClip { get; init; } = 1.0;

    [Param("Decay μ of the target network θ⁻ ← μ θ⁻ + (1 − μ) θ (Algorithm 2); the output consistency model is θ⁻.", Min = 0, Max = 1)]
    public double TargetDecay { get; init; } = 0.95;

    [Param("Probability of replacing a class label by the null label (teacher and student see the same); used only with labelled data and a class-conditional teacher.", Min = 0, Max = 1)]
    public double LabelDropout { get; init; } = 0.1;

    [Param("Distinct noise intervals n per batch (0: one per item). Items are grouped by n for the teacher's ODE step.", Min = 0, Max = 1_000_000)]
    public int TimesPerBatch { get; init; }

    [Param("Seed of the training generator (data, intervals, noise, label dropout).")]
    public long Seed { get; init; }

    [Param("Write a checkpoint every this many steps (0: only at the end, when checkpoint_path is set).", Min = 0, Max = 100_000_000)]
    public int CheckpointEvery { get; init; }

    [Param("Checkpoint file (safetensors; overwritten atomically), relative to the output folder; its ema. weights are θ⁻ and load with the network's own node.", Path = PathKind.OutputFile)]
    public string? CheckpointPath { get; init; }

    [Param("A train.consistency checkpoint to resume from (online and target networks, optimizer, step and generator state).", Path = PathKind.InputFile)]
    public string? Resume { get; init; }

    [Param("Label of the metrics output (absent: the node id).")]
    public string? Label { get; init; }
}
