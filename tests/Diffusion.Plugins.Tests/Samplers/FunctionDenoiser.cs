using Diffusion.Contracts;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Plugins.Tests.Samplers;

/// <summary>A denoiser given by a formula of (model input, time) for hand-derivable sampler tests; records the times it saw.</summary>
internal sealed class FunctionDenoiser(PredictionType prediction, TimeInput timeInput, Func<Tensor, double, Tensor> output) : IDenoiser
{
    public DenoiserInfo Info { get; } = new() { Prediction = prediction, TimeInput = timeInput, SampleShape = [3] };

    public List<double> Times { get; } = [];

    public Tensor Forward(Tensor sample, Tensor time, Diffusion.Contracts.Conditioning? conditioning = null, torch.Generator? generator = null)
    {
        double t = time.to(float64)[0].item<double>();
        Times.Add(t);
        return output(sample, t);
    }
}
