using Diffusion.Contracts;

namespace Diffusion.Plugins.GanHybrid;

/// <summary>Params of <c>train.ddgan</c>; defaults follow Xiao et al. 2022 where they fit small problems.</summary>
public sealed record DdganTrainOptions
{
    [Param("Optimisation steps in total (each: one discriminator and one generator update); a resumed run continues up to this.", Min = 1, Max = 100_000_000)]
    public int Steps { get; init; } = 2000;

    [Param("Batch size.", Min = 1, Max = 1_000_000)]
    public int Batch { get; init; } = 256;

    [Param("Adam learning rate of the generator (DDGAN CIFAR-10: 1.6e-4).", Min = 0)]
    public double LrG { get; init; } = 5e-4;

    [Param("Adam learning rate of the discriminator (DDGAN CIFAR-10: 1.25e-4).", Min = 0)]
    public double LrD { get; init; } = 5e-4;

    [Param("Learning-rate schedule of both optimizers: constant, or cosine from lr down to lr * lr_min_ratio at the last step (DDGAN anneals with a cosine).", Choices = ["constant", "cosine"])]
    public string LrSchedule { get; init; } = "constant";

    [Param("Floor of the cosine schedule as a fraction of lr.", Min = 0, Max = 1)]
    public double LrMinRatio { get; init; } = 0.1;

    [Param("Adam betas [beta1, beta2] of both optimizers (DDGAN: [0.5, 0.9]).")]
    public double[] Betas { get; init; } = [0.5, 0.9];

    [Param("R1 penalty weight γ: the discriminator loss gets γ/2 · E‖∇_{x_{t-1}} D(x_{t-1}, x_t, t)‖² on real pairs (Mescheder et al. 2018; DDGAN CIFAR-10: 0.05).", Min = 0)]
    public double R1Gamma { get; init; } = 0.05;

    [Param("Apply the R1 penalty every this many steps (lazy regularisation; 1: every step), with the same weight as DDGAN's lazy_reg.", Min = 1, Max = 100_000_000)]
    public int R1Every { get; init; } = 1;

    [Param("Discriminator updates per generator update, each on a fresh batch (DDGAN: 1).", Min = 1, Max = 10)]
    public int DSteps { get; init; } = 1;

    [Param("Weight λ of the mode-seeking term (Mao et al. 2019, Eq. 3): the generator loss gets λ / (‖x̂_0(z₁) − x̂_0(z₂)‖₁ / ‖z₁ − z₂‖₁ + 10⁻⁵) for two latents on the same x_t, t and class, which rewards a generator whose output depends on z (one more generator pass per step; 0: off).", Min = 0)]
    public double ModeSeeking { get; init; }

    [Param("Decay of the exponential moving average of the generator (0: off); the output is the EMA generator when on (DDGAN: 0.9999 on CIFAR-10).", Min = 0, Max = 1)]
    public double EmaDecay { get; init; } = 0.999;

    [Param("Width of the discriminator for points (MLP).", Min = 1, Max = 4096)]
    public int DiscHidden { get; init; } = 256;

    [Param("Residual blocks of the discriminator for points.", Min = 1, Max = 32)]
    public int DiscLayers { get; init; } = 3;

    [Param("Octaves L of the positional encoding [x, sin(2^k π x), cos(2^k π x)], k < L, of the discriminator's two inputs for points (0: raw coordinates).", Min = 0, Max = 16)]
    public int DiscFourierFeatures { get; init; }

    [Param("Base channels of the discriminator for images (widths c, 2c).", Min = 1, Max = 1024)]
    public int DiscChannels { get; init; } = 32;

    [Param("Group size of the image discriminator's minibatch standard deviation channel (Karras et al. 2018; the DDGAN discriminators use 4), which lets D see a generator that ignores z; 0: off.", Min = 0, Max = 64)]
    public int DiscMinibatchStd { get; init; }

    [Param("Width of the discriminator's sinusoidal time embedding (even).", Min = 2, Max = 1024)]
    public int DiscEmbeddingDim { get; init; } = 64;

    [Param("Seed of the training generator (data, times, pair noise, z, posterior noise) and of the discriminator's initial weights.")]
    public long Seed { get; init; }

    [Param("Write a checkpoint every this many steps (0: only at the end, when checkpoint_path is set).", Min = 0, Max = 100_000_000)]
    public int CheckpointEvery { get; init; }

    [Param("Checkpoint file (safetensors; overwritten atomically), relative to the output folder.", Path = PathKind.OutputFile)]
    public string? CheckpointPath { get; init; }

    [Param("A train.ddgan checkpoint to resume from (generator, EMA, discriminator, both optimizers, step and generator state).", Path = PathKind.InputFile)]
    public string? Resume { get; init; }

    [Param("Label of the metrics output (absent: the node id).")]
    public string? Label { get; init; }
}
