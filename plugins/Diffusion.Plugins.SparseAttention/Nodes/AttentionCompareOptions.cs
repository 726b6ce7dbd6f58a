using Diffusion.Contracts;

namespace Diffusion.Plugins.SparseAttention;

/// <summary>Params of <c>attention.compare</c>.</summary>
public sealed record AttentionCompareOptions
{
    [Param("Label of the metric set (a table row); absent: the node id.")]
    public string? Label { get; init; }
}
