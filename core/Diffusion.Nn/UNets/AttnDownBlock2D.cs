using Diffusion.Contracts;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Diffusion.Nn;

/// <summary>
/// An encoder stage of ResNet layers each followed by self-attention, then a conv downsampler (diffusers'
/// <c>AttnDownBlock2D</c>: resnets, attentions, downsamplers).
/// </summary>
public sealed class AttnDownBlock2D : UNetDownBlock
{
    private readonly ModuleList<ResnetBlock2D> resnets;
    private readonly ModuleList<Attention> attentions;
    private readonly ModuleList<Downsample2D>? downsamplers;

    /// <summary>Creates the stage.</summary>
    public AttnDownBlock2D(
        int inChannels,
        int outChannels,
        int numLayers,
        ResnetSettings resnet,
        int attentionHeadDim,
        bool addDownsample,
        int downsamplePadding,
        IAttentionBackend? attentionBackend = null)
        : base(nameof(AttnDownBlock2D))
    {
        ArgumentNullException.ThrowIfNull(resnet);
        resnets = new ModuleList<ResnetBlock2D>();
        attentions = new ModuleList<Attention>();
        for (int i = 0; i < numLayers; i++)
        {
            resnets.Add(resnet.Block(i == 0 ? inChannels : outChannels, outChannels));
            attentions.Add(new Attention(outChannels, attentionHeadDim, resnet.Groups, resnet.Eps, 1.0, attentionBackend));
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
        for (int i = 0; i < resnets.Count; i++)
        {
            hidden = attentions[i].forward(resnets[i].forward(hidden, temb));
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
