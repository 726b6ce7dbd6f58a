using Diffusion.Contracts;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Diffusion.Nn;

/// <summary>
/// One pre-norm transformer layer of CLIP's text encoder (transformers' <c>CLIPEncoderLayer</c>): h += self_attn(
/// layer_norm1(h)); h += mlp(layer_norm2(h)).
/// </summary>
public sealed class ClipEncoderLayer : nn.Module
{
    private readonly ClipAttention self_attn;
    private readonly LayerNorm layer_norm1;
    private readonly ClipMlp mlp;
    private readonly LayerNorm layer_norm2;

    /// <summary>Creates the layer for <paramref name="config"/>.</summary>
    public ClipEncoderLayer(ClipTextConfig config, IAttentionBackend? backend)
        : base(nameof(ClipEncoderLayer))
    {
        ArgumentNullException.ThrowIfNull(config);
        self_attn = new ClipAttention(config.HiddenSize, config.NumAttentionHeads, backend);
        layer_norm1 = TokenNorm.Create(config.HiddenSize, config.LayerNormEps);
        mlp = new ClipMlp(config.HiddenSize, config.IntermediateSize, config.HiddenAct);
        layer_norm2 = TokenNorm.Create(config.HiddenSize, config.LayerNormEps);
        RegisterComponents();
    }

    /// <summary>Applies the layer to <paramref name="hidden"/> [b, n, d]; <paramref name="mask"/> hides padding tokens, or null.</summary>
    public Tensor Forward(Tensor hidden, Tensor? mask)
    {
        using var scope = NewDisposeScope();
        var h = hidden + self_attn.Forward(layer_norm1.forward(hidden), mask);
        h = h + mlp.forward(layer_norm2.forward(h));
        return h.MoveToOuterDisposeScope();
    }
}
