using Diffusion.Contracts;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Diffusion.Nn;

/// <summary>
/// The transformer block of Stable Diffusion's UNet (Rombach et al. 2022, §3.3 and appendix; diffusers'
/// <c>BasicTransformerBlock</c> with layer norms): pre-norm self-attention, pre-norm cross-attention to the text tokens,
/// pre-norm GEGLU feed-forward, each added to the residual stream. Parameters: norm1, attn1, norm2, attn2, norm3, ff.
/// </summary>
public sealed class BasicTransformerBlock : nn.Module
{
    private readonly LayerNorm norm1;
    private readonly TransformerAttention attn1;
    private readonly LayerNorm norm2;
    private readonly TransformerAttention attn2;
    private readonly LayerNorm norm3;
    private readonly GegluFeedForward ff;

    /// <summary>Creates the block.</summary>
    /// <param name="dim">Token width (heads × headDim).</param>
    /// <param name="heads">Attention heads.</param>
    /// <param name="headDim">Width of one head.</param>
    /// <param name="crossAttentionDim">Width of the text tokens.</param>
    /// <param name="upcastAttention">diffusers' <c>upcast_attention</c>.</param>
    /// <param name="backend">Computes attention; null means dense.</param>
    public BasicTransformerBlock(int dim, int heads, int headDim, int crossAttentionDim, bool upcastAttention, IAttentionBackend? backend)
        : base(nameof(BasicTransformerBlock))
    {
        // diffusers' defaults for Stable Diffusion: norm_eps 1e-5, attention_bias False, ff inner width 4 × dim.
        const double eps = 1e-5;
        norm1 = TokenNorm.Create(dim, eps);
        attn1 = new TransformerAttention(dim, null, heads, headDim, bias: false, upcastAttention, backend);
        norm2 = TokenNorm.Create(dim, eps);
        attn2 = new TransformerAttention(dim, crossAttentionDim, heads, headDim, bias: false, upcastAttention, backend);
        norm3 = TokenNorm.Create(dim, eps);
        ff = new GegluFeedForward(dim, 4 * dim);
        RegisterComponents();
    }

    /// <summary>Applies the block to tokens [b, h·w, dim] of an h × w feature map, attending to <paramref name="context"/> [b, m, c'].</summary>
    public Tensor Forward(Tensor hidden, Tensor context, int height, int width)
    {
        using var scope = NewDisposeScope();
        var h = attn1.Forward(norm1.forward(hidden), null, height, width) + hidden;
        h = attn2.Forward(norm2.forward(h), context) + h;
        h = ff.forward(norm3.forward(h)) + h;
        return h.MoveToOuterDisposeScope();
    }
}
