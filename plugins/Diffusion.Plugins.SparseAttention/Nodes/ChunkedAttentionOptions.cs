using Diffusion.Contracts;

namespace Diffusion.Plugins.SparseAttention;

/// <summary>Params of <c>attention.chunked</c>.</summary>
public sealed record ChunkedAttentionOptions
{
    [Param("Queries per block (B_r). Memory per step is one B_r x B_c score block per head.", Min = 1, Max = 65536)]
    public int QueryBlock { get; init; } = 512;

    [Param("Keys per block (B_c).", Min = 1, Max = 65536)]
    public int KeyBlock { get; init; } = 512;
}
