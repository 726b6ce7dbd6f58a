namespace Diffusion.Contracts;

/// <summary>What a denoiser declares about itself.</summary>
public sealed record DenoiserInfo
{
    /// <summary>What the network predicts.</summary>
    public required PredictionType Prediction { get; init; }

    /// <summary>How the time argument is read.</summary>
    public TimeInput TimeInput { get; init; } = TimeInput.Timestep;

    /// <summary>The shape of one sample without the batch dimension, e.g. [2] for points or [1, 28, 28] for MNIST.</summary>
    public required IReadOnlyList<long> SampleShape { get; init; }

    /// <summary>Number of classes it is conditioned on (0: none); label <c>NumClasses</c> is the null label.</summary>
    public int NumClasses { get; init; }

    /// <summary>Width of text/cross-attention conditioning (0: none).</summary>
    public int CrossAttentionDim { get; init; }

    /// <summary>Whether it draws noise of its own from the generator it is given (a GAN generator's latent z).</summary>
    public bool UsesGenerator { get; init; }
}
