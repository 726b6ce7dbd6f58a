using Diffusion.Contracts;

namespace Diffusion.Plugins.SparseAttention;

/// <summary>Params of <c>attention.strided</c>.</summary>
public sealed record StridedAttentionOptions
{
    [Param("strided: |i - j| <= l or (i - j) mod l = 0; fixed: same block of l, or j among the last c of its block.", Choices = ["strided", "fixed"])]
    public string Mode { get; init; } = "strided";

    [Param("Stride l; 0 = ceil(sqrt(n)) per layer (the paper's choice).", Min = 0, Max = 1048576)]
    public int Stride { get; init; }

    [Param("Summary positions c per block of the fixed pattern (1 <= c <= l).", Min = 1, Max = 1048576)]
    public int Summary { get; init; } = 1;
}
