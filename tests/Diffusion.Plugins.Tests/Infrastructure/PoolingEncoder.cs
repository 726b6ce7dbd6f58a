using Diffusion.Contracts;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Plugins.Tests.Infrastructure;

/// <summary>
/// A stand-in VAE for one-channel images: the latent mean is their 2× average pool repeated on two latent channels, a
/// posterior sample adds N(0, 0.1²) noise from the given generator.
/// </summary>
public sealed class PoolingEncoder : IEncoder
{
    public double ScalingFactor => 1;

    public IReadOnlyList<long> LatentShape(IReadOnlyList<long> dataShape) => [2, dataShape[1] / 2, dataShape[2] / 2];

    public Tensor Encode(Tensor data, torch.Generator? generator = null)
    {
        var mean = nn.functional.avg_pool2d(data, 2).repeat(1, 2, 1, 1);
        return generator is null ? mean : mean + (0.1 * randn(mean.shape, generator: generator));
    }

    public Tensor Decode(Tensor latents) => throw new NotSupportedException();
}
