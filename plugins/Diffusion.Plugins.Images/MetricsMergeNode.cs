using Diffusion.Contracts;

namespace Diffusion.Plugins.Images;

/// <summary>
/// <c>metrics.merge</c>: joins the linked metric sets into one set with one label, so that values measured by different
/// nodes (the <c>sample</c> node's nfe, <c>eval.points</c>' SWD, <c>eval.modes</c>' weight error) form one table row.
/// </summary>
public sealed class MetricsMergeNode : NodeType<MetricsMergeOptions>
{
    /// <inheritdoc />
    protected override string Name => "metrics.merge";

    /// <inheritdoc />
    protected override string Category => "output";

    /// <inheritdoc />
    protected override string Description => "Merges metric sets into one labelled set (one table row), optionally keeping only the listed metrics in that order.";

    /// <inheritdoc />
    protected override IReadOnlyList<PortDescriptor> Inputs => [new("metrics", PortType.Metrics, "Metric sets to join, in link order.", Variadic: true)];

    /// <inheritdoc />
    protected override IReadOnlyList<PortDescriptor> Outputs => [new("metrics", PortType.Metrics, "The merged set.")];

    /// <inheritdoc />
    protected override IEnumerable<ValidationIssue> ValidateOptions(MetricsMergeOptions options, NodeValidationContext context)
    {
        if (options.Keys is { } keys && keys.Distinct(StringComparer.Ordinal).Count() != keys.Length)
        {
            yield return context.ParamIssue("keys", "metrics.merge: 'keys' lists a metric twice; list each once.");
        }
    }

    /// <inheritdoc />
    protected override Task<NodeOutputs> ExecuteAsync(INodeExecutionContext context, MetricsMergeOptions options)
    {
        var sets = context.GetInputs<MetricSet>("metrics");
        try
        {
            return Task.FromResult(NodeOutputs.Of("metrics", MetricsMerge.Merge(sets, options.Label ?? context.NodeId, options.Keys)));
        }
        catch (ArgumentException ex)
        {
            throw new ArgumentException($"metrics.merge '{context.NodeId}': {ex.Message}", ex);
        }
    }
}
