using Diffusion.Contracts;

namespace Diffusion.Plugins.Images;

/// <summary>Params of <c>metrics.merge</c>.</summary>
public sealed record MetricsMergeOptions
{
    [Param("Label of the merged metric set, i.e. its table row (absent: the node id).")]
    public string? Label { get; init; }

    [Param("Metric names to keep, in this column order (absent: every metric, first-seen order).")]
    public string[]? Keys { get; init; }
}
