using Diffusion.Contracts;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Diffusion.Nn;

/// <summary>
/// The bottleneck of DDPM's UNet (Ho et al. 2020, appendix B): ResNet → self-attention → ResNet at the lowest
/// resolution (diffusers' <c>UNetMidBlock2D</c> with one layer: resnets.0, attentions.0, resnets.1).
/// </summary>
public sealed class UNetMidBlock2D : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly ModuleList<ResnetBlock2D> resnets;
    private readonly ModuleList<Attention>? attentions;

    /// <summary>Creates the block.</summary>
    /// <param name="channels">Channels in and out.</param>
    /// <param name="resnet">Shared ResNet settings.</param>
    /// <param name="attentionHeadDim">Head width of the attention.</param>
    /// <param name="attentionGroups">GroupNorm groups of the attention, or null for none.</param>
    /// <param name="addAttention">Whether the attention layer exists (diffusers' <c>add_attention</c>).</param>
    /// <param name="outputScaleFactor">diffusers' <c>mid_block_scale_factor</c>.</param>
    /// <param name="attentionBackend">Computes attention; null means dense.</param>
    public UNetMidBlock2D(
        int channels,
        ResnetSettings resnet,
        int attentionHeadDim,
        int? attentionGroups,
        bool addAttention,
        double outputScaleFactor,
        IAttentionBackend? attentionBackend = null)
        : base(nameof(UNetMidBlock2D))
    {
        ArgumentNullException.ThrowIfNull(resnet);
        resnets = new ModuleList<ResnetBlock2D>(resnet.Block(channels, channels, outputScaleFactor), resnet.Block(channels, channels, outputScaleFactor));
        if (addAttention)
        {
            attentions = new ModuleList<Attention>(
                new Attention(channels, attentionHeadDim, attentionGroups, resnet.Eps, outputScaleFactor, attentionBackend));
        }

        RegisterComponents();
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor hidden, Tensor temb)
    {
        using var scope = NewDisposeScope();
        var h = resnets[0].forward(hidden, temb);
        if (attentions is not null)
        {
            h = attentions[0].forward(h);
        }

        h = resnets[1].forward(h, temb);
        return h.MoveToOuterDisposeScope();
    }
}
