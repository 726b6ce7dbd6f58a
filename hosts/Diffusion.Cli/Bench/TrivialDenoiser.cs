using Diffusion.Contracts;
using TorchSharp;

namespace Diffusion.Cli.Bench;

/// <summary>
/// A denoiser that costs one elementwise op, ε̂ = scale · x_t, so a sampler benchmark measures the sampler's own
/// per-step work (schedule lookups, x̂_0, the update, noise) rather than a network.
/// </summary>
internal sealed class TrivialDenoiser(IReadOnlyList<long> sampleShape, double scale) : IDenoiser
{
    public DenoiserInfo Info { get; } = new() { Prediction = PredictionType.Epsilon, SampleShape = sampleShape };

    /// <summary>The factor the prediction is the sample times; the hand-written baseline multiplies by the same.</summary>
    public double Scale { get; } = scale;

    public torch.Tensor Forward(torch.Tensor sample, torch.Tensor time, Conditioning? conditioning = null, torch.Generator? generator = null) => sample * Scale;
}
