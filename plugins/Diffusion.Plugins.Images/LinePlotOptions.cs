using Diffusion.Contracts;

namespace Diffusion.Plugins.Images;

/// <summary>Params of <c>output.line_plot</c>.</summary>
public sealed record LinePlotOptions
{
    [Param("PNG file to write, relative to the output folder.", Path = PathKind.OutputFile)]
    public string Path { get; init; } = "plot.png";

    [Param("Caption drawn at the top (empty: none).")]
    public string Title { get; init; } = "";

    [Param("Label of the x axis.")]
    public string XLabel { get; init; } = "";

    [Param("Label of the y axis.")]
    public string YLabel { get; init; } = "";

    [Param("Legend text of each series, in the order linked (empty: series 0, 1, ...).")]
    public IReadOnlyList<string> Labels { get; init; } = [];

    [Param("Logarithmic x axis (points with x <= 0 are left out).")]
    public bool LogX { get; init; }

    [Param("Logarithmic y axis (points with y <= 0 are left out).")]
    public bool LogY { get; init; }

    [Param("Width in pixels.", Min = 200, Max = 8192)]
    public int Width { get; init; } = 900;

    [Param("Height in pixels.", Min = 150, Max = 8192)]
    public int Height { get; init; } = 560;
}
