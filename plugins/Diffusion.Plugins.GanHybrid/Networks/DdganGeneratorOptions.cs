using Diffusion.Contracts;

namespace Diffusion.Plugins.GanHybrid;

/// <summary>Params of <c>denoiser.ddgan</c>; the architecture part is also stored as checkpoint metadata.</summary>
public sealed record DdganGeneratorOptions
{
    [Param("Shape of one sample without the batch: [d] for points (MLP generator) or [channels, size, size] for images (conv UNet generator, sizes of at least 4; odd sizes such as the 7 × 7 latents of the MNIST autoencoder work).")]
    public int[] SampleShape { get; init; } = [2];

    [Param("Width of the MLP generator's layers (points).", Min = 1, Max = 4096)]
    public int Hidden { get; init; } = 256;

    [Param("Residual blocks of the MLP generator (points).", Min = 1, Max = 32)]
    public int Layers { get; init; } = 3;

    [Param("Octaves L of the positional encoding [x, sin(2^k π x), cos(2^k π x)], k < L, of x_t for the MLP generator (NeRF's; 0: raw x). Lets an MLP make sharp 2-D modes.", Min = 0, Max = 16)]
    public int FourierFeatures { get; init; }

    [Param("Base channels c of the conv generator (images).", Min = 1, Max = 1024)]
    public int Channels { get; init; } = 16;

    [Param("Channel multipliers of the conv generator at sizes S, S/2, S/4.")]
    public int[] ChannelMult { get; init; } = [1, 2, 2];

    [Param("Width of the latent z ~ N(0, I) (DDGAN's nz).", Min = 1, Max = 1024)]
    public int LatentDim { get; init; } = 16;

    [Param("Layers of the mapping network z → w that modulates the norms.", Min = 1, Max = 8)]
    public int MappingLayers { get; init; } = 2;

    [Param("Width of the sinusoidal time embedding (even); for the conv generator also the width of w.", Min = 2, Max = 1024)]
    public int EmbeddingDim { get; init; } = 64;

    [Param("How the z-modulation layers start: identity (weights 0, so every norm starts as the plain norm, and the conv generator, which sees z only through them, ignores z until they learn) or random (PyTorch's default init, as the DDGAN code's AdaGN: z changes x̂_0 from the first step; the MNIST latent DDGAN of docs/fewstep.md uses it).", Choices = ["identity", "random"])]
    public string ModulationInit { get; init; } = "identity";

    [Param("Number of classes to condition on (0: unconditional); label num_classes is the null label.", Min = 0, Max = 100000)]
    public int NumClasses { get; init; }

    [Param("Squash x̂_0 with tanh (images in [-1, 1], as the DDGAN generator does).")]
    public bool OutputTanh { get; init; }

    [Param("Seed of the weight initialisation (and of the latent z when a caller gives no generator).")]
    public long Seed { get; init; }

    [Param("A safetensors file to load (a denoiser file or a train.ddgan checkpoint, whose EMA weights are preferred); its metadata gives the architecture and the params above are then ignored.", Path = PathKind.InputFile)]
    public string? Checkpoint { get; init; }
}
