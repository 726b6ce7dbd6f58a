using Diffusion.Contracts;

namespace Diffusion.Plugins.SparseAttention;

/// <summary><c>attention.chunked</c>: exact attention over query and key blocks with an online softmax (FlashAttention, Alg. 1, in tensor ops).</summary>
public sealed class ChunkedAttentionNode : NodeType<ChunkedAttentionOptions>
{
    /// <inheritdoc />
    protected override string Name => "attention.chunked";

    /// <inheritdoc />
    protected override string Category => AttentionNodes.Category;

    /// <inheritdoc />
    protected override string Description =>
        "Exact attention in query x key blocks with a running max/sum softmax (FlashAttention, Dao et al. 2022, Alg. 1, in tensor ops): " +
        "no n x n tensor; masks, causal and cross-attention served.";

    /// <inheritdoc />
    protected override IReadOnlyList<PortDescriptor> Outputs => AttentionNodes.BackendOutput;

    /// <inheritdoc />
    protected override Task<NodeOutputs> ExecuteAsync(INodeExecutionContext context, ChunkedAttentionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return AttentionNodes.Output(new ChunkedAttention(options.QueryBlock, options.KeyBlock));
    }
}
