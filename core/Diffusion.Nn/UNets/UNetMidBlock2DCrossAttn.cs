using Diffusion.Contracts;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Diffusion.Nn;

/// <summary>
/// The bottleneck of Stable Diffusion's UNet: ResNet → spatial transformer with cross-attention → ResNet at the
/// lowest resolution (diffusers' <c>UNetMidBlock2DCrossAttn</c> with one layer: resnets.0, attentions.0, resnets.1).
/// </summary>
public sealed class UNetMidBlock2DCrossAttn : nn.Module
{
    private readonly ModuleList<ResnetBlock2D> resnets;
    private readonly ModuleList<Transformer2DModel> attentions;

    /// <summary>Creates the block.</summary>
    /// <param name="channels">Channels in and out.</param>
    /// <param name="resnet">Shared ResNet settings.</param>
    /// <param name="transformer">The transformer's settings.</param>
    /// <param name="outputScaleFactor">diffusers' <c>mid_block_scale_factor</c> (divides the ResNet outputs).</param>
    /// <param name="attentionBackend">Computes attention; null means dense.</param>
    public UNetMidBlock2DCrossAttn(int channels, ResnetSettings resnet, TransformerSettings transformer, double outputScaleFactor, IAttentionBackend? attentionBackend = null)
        : base(nameof(UNetMidBlock2DCrossAttn))
    {
        ArgumentNullException.ThrowIfNull(resnet);
        ArgumentNullException.ThrowIfNull(transformer);
        resnets = new ModuleList<ResnetBlock2D>(resnet.Block(channels, channels, outputScaleFactor), resnet.Block(channels, channels, outputScaleFactor));
        attentions = new ModuleList<Transformer2DModel>(transformer.Create(channels, attentionBackend));
        RegisterComponents();
    }

    /// <summary>Applies the block to <paramref name="hidden"/> with time embedding <paramref name="temb"/> and text tokens <paramref name="context"/>.</summary>
    public Tensor Forward(Tensor hidden, Tensor temb, Tensor context)
    {
        using var scope = NewDisposeScope();
        var h = resnets[0].forward(hidden, temb);
        h = attentions[0].Forward(h, context);
        h = resnets[1].forward(h, temb);
        return h.MoveToOuterDisposeScope();
    }
}
