using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Diffusion.Nn;

/// <summary>
/// Halves the resolution with a stride-2 3x3 convolution (diffusers' <c>Downsample2D</c> with <c>use_conv=True</c>;
/// the parameter is named <c>conv</c>). With padding 0 the input is padded on the right and bottom only, as diffusers does.
/// </summary>
public sealed class Downsample2D : nn.Module<Tensor, Tensor>
{
    private readonly Conv2d conv;
    private readonly int padding;

    /// <summary>Creates the layer.</summary>
    public Downsample2D(int channels, int outChannels, int padding = 1)
        : base(nameof(Downsample2D))
    {
        conv = nn.Conv2d(channels, outChannels, 3, stride: 2, padding: padding);
        this.padding = padding;
        RegisterComponents();
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var x = padding == 0 ? nn.functional.pad(input, [0, 1, 0, 1]) : input;
        return conv.forward(x).MoveToOuterDisposeScope();
    }
}
