using Diffusion.Contracts;

namespace Diffusion.Plugins.SparseAttention;

/// <summary><c>attention.strided</c>: the Sparse Transformer's strided and fixed patterns (Child et al. 2019).</summary>
public sealed class StridedAttentionNode : NodeType<StridedAttentionOptions>
{
    /// <inheritdoc />
    protected override string Name => "attention.strided";

    /// <inheritdoc />
    protected override string Category => AttentionNodes.Category;

    /// <inheritdoc />
    protected override string Description =>
        "Sparse Transformer patterns (Child et al. 2019) as one merged head: strided (local l + every l-th) or fixed (own block + c summary columns per block); " +
        "causal requests give the paper's autoregressive versions. Self-attention only.";

    /// <inheritdoc />
    protected override IReadOnlyList<PortDescriptor> Outputs => AttentionNodes.BackendOutput;

    /// <inheritdoc />
    protected override IEnumerable<ValidationIssue> ValidateOptions(StridedAttentionOptions options, NodeValidationContext context)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(context);
        if (options.Stride > 0 && options.Summary > options.Stride)
        {
            yield return context.ParamIssue("summary", $"summary c = {options.Summary} exceeds the stride l = {options.Stride}; a block has only l positions.");
        }
    }

    /// <inheritdoc />
    protected override Task<NodeOutputs> ExecuteAsync(INodeExecutionContext context, StridedAttentionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var mode = options.Mode == "fixed" ? StridedMode.Fixed : StridedMode.Strided;
        return AttentionNodes.Output(new StridedAttention(mode, options.Stride, options.Summary));
    }
}
