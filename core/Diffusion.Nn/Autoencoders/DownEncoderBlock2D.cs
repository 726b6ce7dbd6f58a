using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Diffusion.Nn;

/// <summary>
/// An encoder stage of the KL autoencoder: ResNet layers without time input, then a stride-2 convolution with
/// diffusers' asymmetric padding (diffusers' <c>DownEncoderBlock2D</c>: resnets, downsamplers).
/// </summary>
public sealed class DownEncoderBlock2D : nn.Module<Tensor, Tensor>
{
    private readonly ModuleList<ResnetBlock2D> resnets;
    private readonly ModuleList<Downsample2D>? downsamplers;

    /// <summary>Creates the stage.</summary>
    public DownEncoderBlock2D(int inChannels, int outChannels, int numLayers, ResnetSettings resnet, bool addDownsample)
        : base(nameof(DownEncoderBlock2D))
    {
        ArgumentNullException.ThrowIfNull(resnet);
        resnets = new ModuleList<ResnetBlock2D>();
        for (int i = 0; i < numLayers; i++)
        {
            resnets.Add(resnet.Block(i == 0 ? inChannels : outChannels, outChannels));
        }

        if (addDownsample)
        {
            // The VAE encoder builds its downsamplers with padding 0: pad right/bottom by one, then a valid conv.
            downsamplers = new ModuleList<Downsample2D>(new Downsample2D(outChannels, outChannels, padding: 0));
        }

        RegisterComponents();
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var h = input;
        foreach (var block in resnets)
        {
            h = block.forward(h, null);
        }

        if (downsamplers is not null)
        {
            foreach (var downsampler in downsamplers)
            {
                h = downsampler.forward(h);
            }
        }

        return h.MoveToOuterDisposeScope();
    }
}
