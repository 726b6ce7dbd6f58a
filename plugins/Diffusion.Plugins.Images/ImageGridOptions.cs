using Diffusion.Contracts;

namespace Diffusion.Plugins.Images;

/// <summary>Params of <c>output.image_grid</c>.</summary>
public sealed record ImageGridOptions
{
    [Param("PNG file to write, relative to the output folder.", Path = PathKind.OutputFile)]
    public string Path { get; init; } = "grid.png";

    [Param("Columns of the grid (0: ceil(sqrt(count))). Ignored with rows_by_label.", Min = 0, Max = 4096)]
    public int Columns { get; init; }

    [Param("Put the images of each label in their own row (needs labels).")]
    public bool RowsByLabel { get; init; }

    [Param("Text drawn under the cells instead of labels (e.g. the prompts): one per image, or n entries each repeated count/n times in place, as the condition node repeats prompts.")]
    public IReadOnlyList<string> Captions { get; init; } = [];

    [Param("Nearest-neighbour upscale factor of each image.", Min = 1, Max = 64)]
    public int Scale { get; init; } = 2;

    [Param("Pixels between cells.", Min = 0, Max = 64)]
    public int Padding { get; init; } = 2;
}
