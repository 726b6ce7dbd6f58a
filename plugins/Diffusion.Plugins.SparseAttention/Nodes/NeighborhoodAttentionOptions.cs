using Diffusion.Contracts;

namespace Diffusion.Plugins.SparseAttention;

/// <summary>Params of <c>attention.neighborhood</c>.</summary>
public sealed record NeighborhoodAttentionOptions
{
    [Param("Window side k (odd): each query attends the k x k keys around it, windows clamped inside the image.", Min = 1, Max = 255)]
    public int KernelSize { get; init; } = 7;

    [Param("Query tile side t: each t x t tile is scored against the (t+k-1)^2 keys its windows reach. Speed only; results do not depend on it.", Min = 1, Max = 64)]
    public int Tile { get; init; } = 8;
}
