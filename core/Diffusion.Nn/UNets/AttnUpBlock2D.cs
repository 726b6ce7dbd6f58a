using Diffusion.Contracts;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Diffusion.Nn;

/// <summary>
/// A decoder stage of ResNet layers over [hidden, skip] concatenations, each followed by self-attention, and a conv
/// upsampler (diffusers' <c>AttnUpBlock2D</c>: resnets, attentions, upsamplers).
/// </summary>
public sealed class AttnUpBlock2D : UNetUpBlock
{
    private readonly ModuleList<ResnetBlock2D> resnets;
    private readonly ModuleList<Attention> attentions;
    private readonly ModuleList<Upsample2D>? upsamplers;

    /// <summary>Creates the stage; see <see cref="UpBlock2D"/> for the channel arguments.</summary>
    public AttnUpBlock2D(
        int inChannels,
        int outChannels,
        int prevOutputChannels,
        int numLayers,
        ResnetSettings resnet,
        int attentionHeadDim,
        bool addUpsample,
        IAttentionBackend? attentionBackend = null)
        : base(nameof(AttnUpBlock2D))
    {
        ArgumentNullException.ThrowIfNull(resnet);
        resnets = new ModuleList<ResnetBlock2D>();
        attentions = new ModuleList<Attention>();
        for (int i = 0; i < numLayers; i++)
        {
            resnets.Add(resnet.Block(UpBlockChannels.ResnetIn(i, numLayers, inChannels, outChannels, prevOutputChannels), outChannels));
            attentions.Add(new Attention(outChannels, attentionHeadDim, resnet.Groups, resnet.Eps, 1.0, attentionBackend));
        }

        if (addUpsample)
        {
            upsamplers = new ModuleList<Upsample2D>(new Upsample2D(outChannels, outChannels));
        }

        RegisterComponents();
    }

    /// <inheritdoc />
    public override int SkipCount => resnets.Count;

    /// <inheritdoc />
    public override Tensor Forward(Tensor hidden, IList<Tensor> skips, Tensor temb)
    {
        for (int i = 0; i < resnets.Count; i++)
        {
            hidden = attentions[i].forward(resnets[i].forward(cat([hidden, PopSkip(skips)], 1), temb));
        }

        if (upsamplers is not null)
        {
            foreach (var upsampler in upsamplers)
            {
                hidden = upsampler.forward(hidden);
            }
        }

        return hidden;
    }
}
