using Diffusion.Contracts;

namespace Diffusion.Plugins.GanHybrid;

/// <summary>Params of <c>train.ddgan</c>; defaults follow Xiao et al. 2022 where they fit small problems.</summary>
public sealed record DdganTrainOptions
{
    /// <summary>Optimisation steps (one discriminator and one generator update each).</summary>
    [Param("Optimisation steps in total (each: one discriminator and one generator update); a resumed run continues up to this.", Min = 1, Max = 100_000_000)]
    public int Steps { get; init; } = 2000;

    /// <summary>Batch size.</summary>
    [Param("Batch size.", Min = 1, Max = 1_000_000)]
    public int Batch { get; init; } = 256;

    /// <summary>Generator learning rate.</summary>
    [Param("Adam learning rate of the generator (DDGAN CIFAR-10: 1.6e-4).", Min = 0)]
    public double LrG { get; init; } = 5e-4;

    /// <summary>Discriminator learning rate.</summary>
    [Param("Adam learning rate of the discriminator (DDGAN CIFAR-10: 1.25e-4).", Min = 0)]
    public double LrD { get; init; } = 5e-4;

    /// <summary>Learning-rate schedule.</summary>
    [Param("Learning-rate schedule of both optimizers: constant, or cosine from lr down to lr * lr_min_ratio at the last step (DDGAN anneals with a cosine).", Choices = ["constant", "cosine"])]
    public string LrSchedule { get; init; } = "constant";

    /// <summary>Floor of the cosine schedule.</summary>
    [Param("Floor of the cosine schedule as a fraction of lr.", Min = 0, Max = 1)]
    public double LrMinRatio { get; init; } = 0.1;

    /// <summary>Adam (β₁, β₂).</summary>
    [Param("Adam betas [beta1, beta2] of both optimizers (DDGAN: [0.5, 0.9]).")]
    public double[] Betas { get; init; } = [0.5, 0.9];

    /// <summary>R1 weight γ.</summary>
    [Param("R1 penalty weight γ: the discriminator loss gets γ/2 · E‖∇_{x_{t-1}} D(x_{t-1}, x_t, t)‖² on real pairs (Mescheder et al. 2018; DDGAN CIFAR-10: 0.05).", Min = 0)]
    public double R1Gamma { get; init; } = 0.05;

    /// <summary>Apply R1 every this many steps.</summary>
    [Param("Apply the R1 penalty every this many steps (lazy regularisation; 1: every step), with the same weight as DDGAN's lazy_reg.", Min = 1, Max = 100_000_000)]
    public int R1Every { get; init; } = 1;

    /// <summary>EMA decay of the generator.</summary>
    [Param("Decay of the exponential moving average of the generator (0: off); the output is the EMA generator when on (DDGAN: 0.9999 on CIFAR-10).", Min = 0, Max = 1)]
    public double EmaDecay { get; init; } = 0.999;

    /// <summary>Discriminator width for points.</summary>
    [Param("Width of the discriminator for points (MLP).", Min = 1, Max = 4096)]
    public int DiscHidden { get; init; } = 256;

    /// <summary>Discriminator blocks for points.</summary>
    [Param("Residual blocks of the discriminator for points.", Min = 1, Max = 32)]
    public int DiscLayers { get; init; } = 3;

    /// <summary>Discriminator base channels for images.</summary>
    [Param("Base channels of the discriminator for images (widths c, 2c).", Min = 1, Max = 1024)]
    public int DiscChannels { get; init; } = 32;

    /// <summary>Discriminator time-embedding width.</summary>
    [Param("Width of the discriminator's sinusoidal time embedding (even).", Min = 2, Max = 1024)]
    public int DiscEmbeddingDim { get; init; } = 64;

    /// <summary>Seed of the training generator.</summary>
    [Param("Seed of the training generator (data, times, pair noise, z, posterior noise) and of the discriminator's initial weights.")]
    public long Seed { get; init; }

    /// <summary>Write a checkpoint every this many steps.</summary>
    [Param("Write a checkpoint every this many steps (0: only at the end, when checkpoint_path is set).", Min = 0, Max = 100_000_000)]
    public int CheckpointEvery { get; init; }

    /// <summary>Checkpoint file.</summary>
    [Param("Checkpoint file (safetensors; overwritten atomically), relative to the output folder.", Path = PathKind.OutputFile)]
    public string? CheckpointPath { get; init; }

    /// <summary>A checkpoint to resume from.</summary>
    [Param("A train.ddgan checkpoint to resume from (generator, EMA, discriminator, both optimizers, step and generator state).", Path = PathKind.InputFile)]
    public string? Resume { get; init; }

    /// <summary>Label of the metric set.</summary>
    [Param("Label of the metrics output (absent: the node id).")]
    public string? Label { get; init; }
}
