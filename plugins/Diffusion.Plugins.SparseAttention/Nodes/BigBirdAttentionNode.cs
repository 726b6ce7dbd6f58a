using Diffusion.Contracts;

namespace Diffusion.Plugins.SparseAttention;

/// <summary><c>attention.bigbird</c>: block-sparse window + global + random blocks (Zaheer et al. 2020).</summary>
public sealed class BigBirdAttentionNode : NodeType<BigBirdAttentionOptions>
{
    /// <inheritdoc />
    protected override string Name => "attention.bigbird";

    /// <inheritdoc />
    protected override string Category => AttentionNodes.Category;

    /// <inheritdoc />
    protected override string Description =>
        "BigBird block-sparse attention (Zaheer et al. 2020): each query block attends its window blocks, the global blocks and r seeded random blocks; " +
        "global blocks attend everything. Self-attention only, not causal.";

    /// <inheritdoc />
    protected override IReadOnlyList<PortDescriptor> Outputs => AttentionNodes.BackendOutput;

    /// <inheritdoc />
    protected override Task<NodeOutputs> ExecuteAsync(INodeExecutionContext context, BigBirdAttentionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return AttentionNodes.Output(new BigBirdAttention(options.BlockSize, options.WindowBlocks, options.GlobalBlocks, options.RandomBlocks, options.Seed));
    }
}
