using Diffusion.Contracts;
using Diffusion.Torch.Files;
using Microsoft.Extensions.Logging;

namespace Diffusion.Plugins.Images;

/// <summary><c>output.metrics_table</c>: writes every linked metric set as one table (Markdown or CSV) and logs it.</summary>
public sealed class MetricsTableNode : NodeType<MetricsTableOptions>
{
    /// <inheritdoc />
    protected override string Name => "output.metrics_table";

    /// <inheritdoc />
    protected override string Category => "output";

    /// <inheritdoc />
    protected override string Description => "Writes metric sets as a table (one row per label, one column per metric): Markdown, or CSV for .csv paths.";

    /// <inheritdoc />
    protected override bool HasSideEffects => true;

    /// <inheritdoc />
    protected override IReadOnlyList<PortDescriptor> Inputs => [new("metrics", PortType.Metrics, "Metric sets, one row each, in link order.", Variadic: true)];

    /// <inheritdoc />
    protected override IReadOnlyList<PortDescriptor> Outputs => [new("file", PortType.File, "The table written.")];

    /// <inheritdoc />
    protected override Task<NodeOutputs> ExecuteAsync(INodeExecutionContext context, MetricsTableOptions options)
    {
        var sets = context.GetInputs<MetricSet>("metrics");
        var path = context.ResolveOutputPath(options.Path);
        var markdown = MetricsTable.ToMarkdown(sets, options.Title);
        var content = path.EndsWith(".csv", StringComparison.OrdinalIgnoreCase) ? MetricsTable.ToCsv(sets) : markdown;
        SafeFile.WriteText(path, content);
        context.Logger.LogInformation("Metrics written to {Path}:\n{Table}", path, markdown);
        return Task.FromResult(NodeOutputs.Of("file", path));
    }
}
