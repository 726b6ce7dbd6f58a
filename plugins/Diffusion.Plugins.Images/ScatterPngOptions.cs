using Diffusion.Contracts;

namespace Diffusion.Plugins.Images;

/// <summary>Params of <c>output.scatter_png</c>.</summary>
public sealed record ScatterPngOptions
{
    [Param("PNG file to write, relative to the output folder.", Path = PathKind.OutputFile)]
    public string Path { get; init; } = "scatter.png";

    [Param("Width and height of the square plot in pixels.", Min = 64, Max = 8192)]
    public int Size { get; init; } = 512;

    [Param("Caption drawn at the top (empty: none).")]
    public string Title { get; init; } = "";

    [Param("The plotted range [min, max] on both axes (absent: fitted to the points with a 5% margin).")]
    public double[]? Range { get; init; }

    [Param("Dot radius in pixels.", Min = 0.1, Max = 50)]
    public double PointRadius { get; init; } = 1.5;
}
