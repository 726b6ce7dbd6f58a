using Diffusion.Contracts;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Diffusion.Nn;

/// <summary>
/// A decoder stage of Stable Diffusion's UNet: ResNet layers over [hidden, skip] concatenations, each followed by a
/// spatial transformer with cross-attention, then a conv upsampler (diffusers' <c>CrossAttnUpBlock2D</c>: resnets,
/// attentions, upsamplers).
/// </summary>
public sealed class CrossAttnUpBlock2D : nn.Module
{
    private readonly ModuleList<ResnetBlock2D> resnets;
    private readonly ModuleList<Transformer2DModel> attentions;
    private readonly ModuleList<Upsample2D>? upsamplers;

    /// <summary>Creates the stage; see <see cref="UpBlock2D"/> for the channel arguments.</summary>
    public CrossAttnUpBlock2D(
        int inChannels,
        int outChannels,
        int prevOutputChannels,
        int numLayers,
        ResnetSettings resnet,
        TransformerSettings transformer,
        bool addUpsample,
        IAttentionBackend? attentionBackend = null)
        : base(nameof(CrossAttnUpBlock2D))
    {
        ArgumentNullException.ThrowIfNull(resnet);
        ArgumentNullException.ThrowIfNull(transformer);
        resnets = new ModuleList<ResnetBlock2D>();
        attentions = new ModuleList<Transformer2DModel>();
        for (int i = 0; i < numLayers; i++)
        {
            resnets.Add(resnet.Block(UpBlockChannels.ResnetIn(i, numLayers, inChannels, outChannels, prevOutputChannels), outChannels));
            attentions.Add(transformer.Create(outChannels, attentionBackend));
        }

        if (addUpsample)
        {
            upsamplers = new ModuleList<Upsample2D>(new Upsample2D(outChannels, outChannels));
        }

        RegisterComponents();
    }

    /// <summary>How many skip connections the stage consumes (its ResNet layer count).</summary>
    public int SkipCount => resnets.Count;

    /// <summary>
    /// Runs the stage with text tokens <paramref name="context"/>, removing the skips it uses from the end of
    /// <paramref name="skips"/>; the upsampler interpolates to <paramref name="upsampleSize"/> [h, w] when given
    /// (feature maps whose size is not a multiple of the UNet's total downsampling), else doubles the size.
    /// </summary>
    public Tensor Forward(Tensor hidden, IList<Tensor> skips, Tensor temb, Tensor context, long[]? upsampleSize)
    {
        ArgumentNullException.ThrowIfNull(skips);
        for (int i = 0; i < resnets.Count; i++)
        {
            hidden = attentions[i].Forward(resnets[i].forward(cat([hidden, UNetUpBlock.PopSkip(skips)], 1), temb), context);
        }

        if (upsamplers is not null)
        {
            foreach (var upsampler in upsamplers)
            {
                hidden = upsampler.Forward(hidden, upsampleSize);
            }
        }

        return hidden;
    }
}
