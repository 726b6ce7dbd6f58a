using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Diffusion.Plugins.GanHybrid;

/// <summary>
/// A residual block of the conv generator (DDPM's ResNet block with DDGAN's z-adaptive norms): h = conv1(SiLU(AdaGN₁(x, w)));
/// h += temb_proj(SiLU(temb)); h = conv2(SiLU(AdaGN₂(h, w))); out = (h + skip(x))/sqrt(2) (NCSN++'s skip_rescale).
/// </summary>
public sealed class ConvResBlock : nn.Module<Tensor, Tensor, Tensor, Tensor>
{
#pragma warning disable IDE1006, SA1300 // field names are the checkpoint's keys
    private readonly AdaptiveGroupNorm norm1;
    private readonly Conv2d conv1;
    private readonly Linear temb_proj;
    private readonly AdaptiveGroupNorm norm2;
    private readonly Conv2d conv2;
    private readonly Conv2d? skip;
#pragma warning restore IDE1006, SA1300

    /// <summary>Creates the block.</summary>
    public ConvResBlock(long inChannels, long outChannels, long embeddingDim, long codeDim)
        : base(nameof(ConvResBlock))
    {
        norm1 = new AdaptiveGroupNorm(inChannels, codeDim);
        conv1 = nn.Conv2d(inChannels, outChannels, 3, padding: 1);
        temb_proj = nn.Linear(embeddingDim, outChannels);
        norm2 = new AdaptiveGroupNorm(outChannels, codeDim);
        conv2 = nn.Conv2d(outChannels, outChannels, 3, padding: 1);
        skip = inChannels == outChannels ? null : nn.Conv2d(inChannels, outChannels, 1);
        RegisterComponents();
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor input, Tensor embedding, Tensor code)
    {
        using var scope = NewDisposeScope();
        var h = conv1.forward(nn.functional.silu(norm1.forward(input, code)));
        h = h + temb_proj.forward(nn.functional.silu(embedding)).unsqueeze(-1).unsqueeze(-1);
        h = conv2.forward(nn.functional.silu(norm2.forward(h, code)));
        var shortcut = skip is null ? input : skip.forward(input);
        return ((h + shortcut) * (1 / Math.Sqrt(2))).MoveToOuterDisposeScope();
    }
}
