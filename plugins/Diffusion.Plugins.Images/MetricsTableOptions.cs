using Diffusion.Contracts;

namespace Diffusion.Plugins.Images;

/// <summary>Params of <c>output.metrics_table</c>.</summary>
public sealed record MetricsTableOptions
{
    [Param("File to write, relative to the output folder: a Markdown table, or CSV when the name ends with .csv.", Path = PathKind.OutputFile)]
    public string Path { get; init; } = "metrics.md";

    [Param("Heading above the Markdown table (empty: none).")]
    public string Title { get; init; } = "";
}
