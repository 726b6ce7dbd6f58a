using Diffusion.Contracts;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Diffusion.Nn;

/// <summary>
/// An encoder stage of Stable Diffusion's UNet: ResNet layers each followed by a spatial transformer with
/// cross-attention to the text, then a conv downsampler (diffusers' <c>CrossAttnDownBlock2D</c>: resnets, attentions,
/// downsamplers). Every layer's output is kept as a skip connection.
/// </summary>
public sealed class CrossAttnDownBlock2D : nn.Module
{
    private readonly ModuleList<ResnetBlock2D> resnets;
    private readonly ModuleList<Transformer2DModel> attentions;
    private readonly ModuleList<Downsample2D>? downsamplers;

    /// <summary>Creates the stage.</summary>
    public CrossAttnDownBlock2D(
        int inChannels,
        int outChannels,
        int numLayers,
        ResnetSettings resnet,
        TransformerSettings transformer,
        bool addDownsample,
        int downsamplePadding,
        IAttentionBackend? attentionBackend = null)
        : base(nameof(CrossAttnDownBlock2D))
    {
        ArgumentNullException.ThrowIfNull(resnet);
        ArgumentNullException.ThrowIfNull(transformer);
        resnets = new ModuleList<ResnetBlock2D>();
        attentions = new ModuleList<Transformer2DModel>();
        for (int i = 0; i < numLayers; i++)
        {
            resnets.Add(resnet.Block(i == 0 ? inChannels : outChannels, outChannels));
            attentions.Add(transformer.Create(outChannels, attentionBackend));
        }

        if (addDownsample)
        {
            downsamplers = new ModuleList<Downsample2D>(new Downsample2D(outChannels, outChannels, downsamplePadding));
        }

        RegisterComponents();
    }

    /// <summary>
    /// Runs the stage on <paramref name="hidden"/> with time embedding <paramref name="temb"/> and text tokens
    /// <paramref name="context"/>, appending each layer's output to <paramref name="skips"/> (those tensors belong to
    /// the caller's dispose scope).
    /// </summary>
    public Tensor Forward(Tensor hidden, Tensor temb, Tensor context, IList<Tensor> skips)
    {
        ArgumentNullException.ThrowIfNull(skips);
        for (int i = 0; i < resnets.Count; i++)
        {
            hidden = attentions[i].Forward(resnets[i].forward(hidden, temb), context);
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
