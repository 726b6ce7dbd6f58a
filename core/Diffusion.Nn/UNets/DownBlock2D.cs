using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Diffusion.Nn;

/// <summary>An encoder stage of ResNet layers and a conv downsampler (diffusers' <c>DownBlock2D</c>: resnets, downsamplers).</summary>
public sealed class DownBlock2D : UNetDownBlock
{
    private readonly ModuleList<ResnetBlock2D> resnets;
    private readonly ModuleList<Downsample2D>? downsamplers;

    /// <summary>Creates the stage.</summary>
    public DownBlock2D(int inChannels, int outChannels, int numLayers, ResnetSettings resnet, bool addDownsample, int downsamplePadding)
        : base(nameof(DownBlock2D))
    {
        ArgumentNullException.ThrowIfNull(resnet);
        resnets = new ModuleList<ResnetBlock2D>();
        for (int i = 0; i < numLayers; i++)
        {
            resnets.Add(resnet.Block(i == 0 ? inChannels : outChannels, outChannels));
        }

        if (addDownsample)
        {
            downsamplers = new ModuleList<Downsample2D>(new Downsample2D(outChannels, outChannels, downsamplePadding));
        }

        RegisterComponents();
    }

    /// <inheritdoc />
    public override Tensor Forward(Tensor hidden, Tensor temb, IList<Tensor> skips)
    {
        ArgumentNullException.ThrowIfNull(skips);
        foreach (var block in resnets)
        {
            hidden = block.forward(hidden, temb);
            skips.Add(hidden);
        }

        if (downsamplers is not null)
        {
            foreach (var downsampler in downsamplers)
            {
                hidden = downsampler.forward(hidden);
            }

            skips.Add(hidden);
        }

        return hidden;
    }
}
