using Diffusion.Contracts;
using static TorchSharp.torch;

namespace Diffusion.Plugins.SparseAttention;

/// <summary>
/// <c>attention.compare</c>: how far an output made with some attention backend is from the one made with dense attention
/// (same seed): max and mean |x − x_ref| and the relative L2 error ‖x − x_ref‖ / ‖x_ref‖.
/// </summary>
public sealed class AttentionCompareNode : NodeType<AttentionCompareOptions>
{
    /// <inheritdoc />
    protected override string Name => "attention.compare";

    /// <inheritdoc />
    protected override string Category => AttentionNodes.Category;

    /// <inheritdoc />
    protected override string Description => "Max and mean absolute difference and relative L2 error of a tensor from a reference (e.g. samples with a sparse backend vs dense).";

    /// <inheritdoc />
    protected override IReadOnlyList<PortDescriptor> Inputs =>
    [
        new("output", PortType.Tensor, "The tensor to check."),
        new("reference", PortType.Tensor, "The reference, same shape."),
    ];

    /// <inheritdoc />
    protected override IReadOnlyList<PortDescriptor> Outputs => [new("metrics", PortType.Metrics, "max_abs_diff, mean_abs_diff, rel_l2.")];

    /// <inheritdoc />
    protected override Task<NodeOutputs> ExecuteAsync(INodeExecutionContext context, AttentionCompareOptions options)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(options);
        var output = context.GetInput<Tensor>("output");
        var reference = context.GetInput<Tensor>("reference");
        if (!output.shape.SequenceEqual(reference.shape))
        {
            throw new InvalidInputException($"attention.compare '{context.NodeId}': output [{string.Join(", ", output.shape)}] and reference [{string.Join(", ", reference.shape)}] differ in shape; link two tensors made the same way (same sampler, seed and count).");
        }

        using var scope = NewDisposeScope();
        var x = output.detach().cpu().to_type(ScalarType.Float64);
        var r = reference.detach().cpu().to_type(ScalarType.Float64);
        var difference = (x - r).abs();
        double norm = r.norm().item<double>();
        var metrics = new MetricSet(options.Label ?? context.NodeId, new Dictionary<string, double>
        {
            ["max_abs_diff"] = difference.max().item<double>(),
            ["mean_abs_diff"] = difference.mean().item<double>(),
            ["rel_l2"] = norm > 0 ? (x - r).norm().item<double>() / norm : 0,
        });
        return Task.FromResult(NodeOutputs.Of("metrics", metrics));
    }
}
