using Diffusion.Contracts;

namespace Diffusion.Plugins.SparseAttention;

/// <summary><c>attention.longformer</c>: sliding window plus global tokens (Beltagy et al. 2020).</summary>
public sealed class LongformerAttentionNode : NodeType<LongformerAttentionOptions>
{
    /// <inheritdoc />
    protected override string Name => "attention.longformer";

    /// <inheritdoc />
    protected override string Category => AttentionNodes.Category;

    /// <inheritdoc />
    protected override string Description =>
        "Longformer attention (Beltagy et al. 2020): a sliding window of w keys on either side plus g global tokens that attend and are attended by all; " +
        "causal requests use the one-sided window. Self-attention only.";

    /// <inheritdoc />
    protected override IReadOnlyList<PortDescriptor> Outputs => AttentionNodes.BackendOutput;

    /// <inheritdoc />
    protected override Task<NodeOutputs> ExecuteAsync(INodeExecutionContext context, LongformerAttentionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return AttentionNodes.Output(new LongformerAttention(options.Window, options.GlobalTokens, options.Block));
    }
}
