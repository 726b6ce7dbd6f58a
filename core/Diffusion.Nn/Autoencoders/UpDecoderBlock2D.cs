using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Diffusion.Nn;

/// <summary>
/// A decoder stage of the KL autoencoder: ResNet layers without time input or skips, then nearest ×2 upsampling and a
/// convolution (diffusers' <c>UpDecoderBlock2D</c>: resnets, upsamplers).
/// </summary>
public sealed class UpDecoderBlock2D : nn.Module<Tensor, Tensor>
{
    private readonly ModuleList<ResnetBlock2D> resnets;
    private readonly ModuleList<Upsample2D>? upsamplers;

    /// <summary>Creates the stage.</summary>
    public UpDecoderBlock2D(int inChannels, int outChannels, int numLayers, ResnetSettings resnet, bool addUpsample)
        : base(nameof(UpDecoderBlock2D))
    {
        ArgumentNullException.ThrowIfNull(resnet);
        resnets = new ModuleList<ResnetBlock2D>();
        for (int i = 0; i < numLayers; i++)
        {
            resnets.Add(resnet.Block(i == 0 ? inChannels : outChannels, outChannels));
        }

        if (addUpsample)
        {
            upsamplers = new ModuleList<Upsample2D>(new Upsample2D(outChannels, outChannels));
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

        if (upsamplers is not null)
        {
            foreach (var upsampler in upsamplers)
            {
                h = upsampler.forward(h);
            }
        }

        return h.MoveToOuterDisposeScope();
    }
}
