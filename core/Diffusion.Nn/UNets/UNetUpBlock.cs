using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Nn;

/// <summary>
/// A decoder stage of a UNet: each ResNet layer takes the hidden state concatenated with one skip connection
/// (taken from the end of the list), then optionally an upsampler.
/// </summary>
public abstract class UNetUpBlock : nn.Module
{
    /// <summary>Creates the stage.</summary>
    protected UNetUpBlock(string name)
        : base(name)
    {
    }

    /// <summary>How many skip connections the stage consumes (its ResNet layer count).</summary>
    public abstract int SkipCount { get; }

    /// <summary>Runs the stage, removing the skips it uses from the end of <paramref name="skips"/>.</summary>
    public abstract Tensor Forward(Tensor hidden, IList<Tensor> skips, Tensor temb);

    /// <summary>Removes and returns the last skip connection.</summary>
    protected internal static Tensor PopSkip(IList<Tensor> skips)
    {
        ArgumentNullException.ThrowIfNull(skips);
        var last = skips[^1];
        skips.RemoveAt(skips.Count - 1);
        return last;
    }
}
