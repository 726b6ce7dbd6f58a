using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Diffusion.Nn;

/// <summary>
/// Doubles the resolution with nearest-neighbour interpolation followed by a 3x3 convolution (diffusers'
/// <c>Upsample2D</c> with <c>use_conv=True</c>; the parameter is named <c>conv</c>).
/// </summary>
public sealed class Upsample2D : nn.Module<Tensor, Tensor>
{
    private readonly Conv2d conv;

    /// <summary>Creates the layer.</summary>
    public Upsample2D(int channels, int outChannels)
        : base(nameof(Upsample2D))
    {
        conv = nn.Conv2d(channels, outChannels, 3, stride: 1, padding: 1);
        RegisterComponents();
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor input) => Forward(input, null);

    /// <summary>
    /// Upsamples to <paramref name="outputSize"/> [h, w] when given (diffusers' <c>output_size</c>, used when a
    /// feature map's size is odd at some level), else to twice the size.
    /// </summary>
    public Tensor Forward(Tensor input, long[]? outputSize)
    {
        ArgumentNullException.ThrowIfNull(input);
        using var scope = NewDisposeScope();
        var upsampled = outputSize is null
            ? nn.functional.interpolate(input, scale_factor: [2.0, 2.0], mode: InterpolationMode.Nearest)
            : nn.functional.interpolate(input, size: outputSize, mode: InterpolationMode.Nearest);
        return conv.forward(upsampled).MoveToOuterDisposeScope();
    }
}
