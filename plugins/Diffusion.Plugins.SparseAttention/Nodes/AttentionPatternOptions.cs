using Diffusion.Contracts;

namespace Diffusion.Plugins.SparseAttention;

/// <summary>Params of <c>attention.pattern</c>.</summary>
public sealed record AttentionPatternOptions
{
    [Param("Tokens n (the picture is n x n; keep it small).", Min = 1, Max = 4096)]
    public int Tokens { get; init; } = 64;

    [Param("Image height in tokens for backends that need a 2-D layout (0: none).", Min = 0, Max = 4096)]
    public int Height { get; init; }

    [Param("Image width in tokens (0: none).", Min = 0, Max = 4096)]
    public int Width { get; init; }

    [Param("Label of the metrics row (absent: the backend's name).")]
    public string? Label { get; init; }

    [Param("Draw the causal variant (pattern and j <= i).")]
    public bool Causal { get; init; }
}
