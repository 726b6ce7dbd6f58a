using Diffusion.Contracts;
using Diffusion.Nn;

namespace Diffusion.Plugins.SparseAttention;

/// <summary>Params of <c>attention.dense</c> (none).</summary>
public sealed record DenseAttentionOptions;

/// <summary><c>attention.dense</c>: libtorch's fused scaled_dot_product_attention, the reference and the fallback.</summary>
public sealed class DenseAttentionNode : NodeType<DenseAttentionOptions>
{
    /// <inheritdoc />
    protected override string Name => "attention.dense";

    /// <inheritdoc />
    protected override string Category => AttentionNodes.Category;

    /// <inheritdoc />
    protected override string Description => "Dense attention through libtorch's fused scaled_dot_product_attention (exact; serves every request).";

    /// <inheritdoc />
    protected override IReadOnlyList<PortDescriptor> Outputs => AttentionNodes.BackendOutput;

    /// <inheritdoc />
    protected override Task<NodeOutputs> ExecuteAsync(INodeExecutionContext context, DenseAttentionOptions options) =>
        AttentionNodes.Output(DenseAttention.Instance);
}
