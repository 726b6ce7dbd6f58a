using Diffusion.Contracts;

namespace Diffusion.Plugins.SparseAttention;

/// <summary><c>attention.neighborhood</c>: 2-D neighbourhood attention (NATTEN, Hassani et al. 2023; HDiT).</summary>
public sealed class NeighborhoodAttentionNode : NodeType<NeighborhoodAttentionOptions>
{
    /// <inheritdoc />
    protected override string Name => "attention.neighborhood";

    /// <inheritdoc />
    protected override string Category => AttentionNodes.Category;

    /// <inheritdoc />
    protected override string Description =>
        "2-D neighbourhood attention (Hassani et al. 2023; HDiT): each query attends the k x k keys around it, windows clamped at the borders " +
        "so every query sees k^2 keys. Image self-attention only (needs the layer's height x width).";

    /// <inheritdoc />
    protected override IReadOnlyList<PortDescriptor> Outputs => AttentionNodes.BackendOutput;

    /// <inheritdoc />
    protected override IEnumerable<ValidationIssue> ValidateOptions(NeighborhoodAttentionOptions options, NodeValidationContext context)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(context);
        if (options.KernelSize % 2 == 0)
        {
            yield return context.ParamIssue("kernel_size", $"kernel_size {options.KernelSize} is even; the window is centred on its query, so give an odd size such as {options.KernelSize + 1}.");
        }
    }

    /// <inheritdoc />
    protected override Task<NodeOutputs> ExecuteAsync(INodeExecutionContext context, NeighborhoodAttentionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return AttentionNodes.Output(new NeighborhoodAttention(options.KernelSize, options.Tile));
    }
}
