using Diffusion.Contracts;

namespace Diffusion.Plugins.SparseAttention;

/// <summary>Params of <c>attention.bigbird</c>.</summary>
public sealed record BigBirdAttentionOptions
{
    [Param("Tokens per block b.", Min = 1, Max = 4096)]
    public int BlockSize { get; init; } = 64;

    [Param("Window blocks on each side of a query block (BigBird uses 1: three blocks in all).", Min = 0, Max = 1024)]
    public int WindowBlocks { get; init; } = 1;

    [Param("Leading global blocks: they attend every key and every query attends them.", Min = 0, Max = 1024)]
    public int GlobalBlocks { get; init; } = 2;

    [Param("Random key blocks per query block, drawn outside its window and the global blocks.", Min = 0, Max = 1024)]
    public int RandomBlocks { get; init; } = 3;

    [Param("Seed of the random blocks (the same seed gives the same pattern).")]
    public long Seed { get; init; }
}
