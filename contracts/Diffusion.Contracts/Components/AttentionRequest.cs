using TorchSharp;

namespace Diffusion.Contracts;

/// <summary>
/// One attention call: q, k, v as [batch, heads, tokens, head_dim]. For image self-attention
/// <see cref="SpatialHeight"/>/<see cref="SpatialWidth"/> say how the query tokens tile the image (window backends
/// need it); <see cref="LayerName"/> lets a router choose a backend per layer.
/// </summary>
public sealed record AttentionRequest
{
    /// <summary>Queries [b, h, n, d].</summary>
    public required torch.Tensor Query { get; init; }

    /// <summary>Keys [b, h, m, d].</summary>
    public required torch.Tensor Key { get; init; }

    /// <summary>Values [b, h, m, d].</summary>
    public required torch.Tensor Value { get; init; }

    /// <summary>The softmax scale; null means 1/sqrt(d).</summary>
    public double? Scale { get; init; }

    /// <summary>A boolean (true = attend) or additive mask broadcastable to [b, h, n, m], or null.</summary>
    public torch.Tensor? Mask { get; init; }

    /// <summary>Whether query i may only attend keys j ≤ i (text encoders); combined with <see cref="Mask"/> when both are set.</summary>
    public bool IsCausal { get; init; }

    /// <summary>Whether keys and values come from another sequence than the queries (text cross-attention).</summary>
    public bool IsCrossAttention { get; init; }

    /// <summary>Image height in tokens for self-attention over a feature map, or null.</summary>
    public int? SpatialHeight { get; init; }

    /// <summary>Image width in tokens, or null.</summary>
    public int? SpatialWidth { get; init; }

    /// <summary>
    /// The calling layer's module path, as in the checkpoint's parameter names (e.g.
    /// <c>down_blocks.1.attentions.0.transformer_blocks.0.attn1</c>), or null when the caller has none.
    /// </summary>
    public string? LayerName { get; init; }

    /// <summary>Query tokens n.</summary>
    public long QueryTokens => Query.shape[^2];

    /// <summary>Key tokens m.</summary>
    public long KeyTokens => Key.shape[^2];

    /// <summary>Head width d.</summary>
    public long HeadDim => Query.shape[^1];
}
