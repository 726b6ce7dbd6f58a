using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Nn;

/// <summary>
/// An encoder stage of a UNet: ResNet (and attention) layers, then optionally a downsampler. Every layer's output is
/// kept as a skip connection for the matching decoder stage.
/// </summary>
public abstract class UNetDownBlock : nn.Module
{
    /// <summary>Creates the stage.</summary>
    protected UNetDownBlock(string name)
        : base(name)
    {
    }

    /// <summary>
    /// Runs the stage on <paramref name="hidden"/> with time embedding <paramref name="temb"/>, appending each
    /// layer's output to <paramref name="skips"/> (those tensors belong to the caller's dispose scope).
    /// </summary>
    public abstract Tensor Forward(Tensor hidden, Tensor temb, IList<Tensor> skips);
}
