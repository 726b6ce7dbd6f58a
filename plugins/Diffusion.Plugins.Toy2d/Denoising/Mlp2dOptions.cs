using Diffusion.Contracts;

namespace Diffusion.Plugins.Toy2d;

/// <summary>Params of <c>denoiser.mlp2d</c>; the architecture part is also stored as checkpoint metadata.</summary>
public sealed record Mlp2dOptions
{
    [Param("Width of the hidden layers.", Min = 1, Max = 4096)]
    public int Hidden { get; init; } = 128;

    [Param("Hidden layers: the input layer plus (layers - 1) residual blocks.", Min = 1, Max = 32)]
    public int Layers { get; init; } = 3;

    [Param("Width of the sinusoidal time embedding (even).", Min = 2, Max = 1024)]
    public int TimeEmbeddingDim { get; init; } = 64;

    [Param("What the network predicts.")]
    public PredictionType Prediction { get; init; } = PredictionType.Epsilon;

    [Param("How the time argument is read: discrete timestep t, continuous time in [0, 1], or noise level sigma.")]
    public TimeInput TimeInput { get; init; } = TimeInput.Timestep;

    [Param("Number of classes to condition on (0: unconditional); label num_classes is the null label for guidance.", Min = 0, Max = 100000)]
    public int NumClasses { get; init; }

    [Param("Seed of the weight initialisation.")]
    public long Seed { get; init; }

    [Param("A safetensors file to load (a denoiser file or a train.denoising checkpoint, whose EMA weights are preferred); its metadata gives the architecture and the params above are then ignored.", Path = PathKind.InputFile)]
    public string? Checkpoint { get; init; }
}
