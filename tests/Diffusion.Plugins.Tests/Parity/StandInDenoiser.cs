using Diffusion.Contracts;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Plugins.Tests.Parity;

/// <summary>
/// The reference fixtures' stand-in model, chosen from the case's "model" text, so only scheduler/sampler math is under
/// test: <c>eps = input · t/(t + 1)</c> or the VE score <c>−x/(1 + σ²)</c>, both in float64. It records every call.
/// </summary>
public sealed class StandInDenoiser : IDenoiser
{
    private readonly bool score;

    public StandInDenoiser(string modelText, IReadOnlyList<long> sampleShape)
    {
        score = modelText.StartsWith("score", StringComparison.Ordinal);
        if (!score && !modelText.StartsWith("eps = model_input * t / (t + 1)", StringComparison.Ordinal))
        {
            throw new NotSupportedException($"stand-in model '{modelText}' is not known to the parity harness");
        }

        Info = new DenoiserInfo
        {
            Prediction = score ? PredictionType.Score : PredictionType.Epsilon,
            TimeInput = score ? TimeInput.Sigma : TimeInput.Timestep,
            SampleShape = sampleShape,
        };
    }

    public DenoiserInfo Info { get; }

    /// <summary>Copies of (input, time) of every call, in order.</summary>
    public List<(Tensor Input, double Time)> Calls { get; } = [];

    public Tensor Forward(Tensor sample, Tensor time, Diffusion.Contracts.Conditioning? conditioning = null, torch.Generator? generator = null)
    {
        var t = time.to(float64).flatten()[0].item<double>();
        Calls.Add((sample.detach().to(float32, copy: true).DetachFromDisposeScope(), t));
        using var scope = NewDisposeScope();
        var x = sample.to(float64);
        var perItem = time.to(float64).reshape([-1, .. Enumerable.Repeat(1L, (int)sample.dim() - 1)]);
        var output = score ? -x / (1 + perItem * perItem) : x * perItem / (perItem + 1);
        return output.to(sample.dtype).MoveToOuterDisposeScope();
    }
}
