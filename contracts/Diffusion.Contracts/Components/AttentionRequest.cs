using TorchSharp;

namespace Diffusion.Contracts;

/// <summary>
/// One attention call: q, k, v as [batch, heads, tokens, head_dim]. For image self-attention
/// <see cref="SpatialHeight"/>/<see cref="SpatialWidth"/> say how the query tokens tile the image (window backends
/// need it).
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

    /// <summary>A boolean or additive mask broadcastable to [b, h, n, m], or null.</summary>
    public torch.Tensor? Mask { get; init; }

    /// <summary>Image height in tokens for self-attention over a feature map, or null.</summary>
    public int? SpatialHeight { get; init; }

    /// <summary>Image width in tokens, or null.</summary>
    public int? SpatialWidth { get; init; }
}
