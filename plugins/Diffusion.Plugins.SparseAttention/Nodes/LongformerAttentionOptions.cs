using Diffusion.Contracts;

namespace Diffusion.Plugins.SparseAttention;

/// <summary>Params of <c>attention.longformer</c>.</summary>
public sealed record LongformerAttentionOptions
{
    [Param("Sliding window w: query i attends keys j with |i - j| <= w.", Min = 0, Max = 1048576)]
    public int Window { get; init; } = 256;

    [Param("Global tokens g: the first g tokens attend every key and every query attends them.", Min = 0, Max = 1048576)]
    public int GlobalTokens { get; init; } = 1;

    [Param("Queries per tile (speed only; results do not depend on it).", Min = 1, Max = 4096)]
    public int Block { get; init; } = 64;
}
