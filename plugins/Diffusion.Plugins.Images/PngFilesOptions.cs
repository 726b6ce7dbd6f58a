using Diffusion.Contracts;

namespace Diffusion.Plugins.Images;

/// <summary>Params of <c>output.png</c>.</summary>
public sealed record PngFilesOptions
{
    [Param("Folder to write into, relative to the output folder.", Path = PathKind.OutputFolder)]
    public string Path { get; init; } = "images";

    [Param("File name prefix; files are {prefix}{index:0000}.png, or {prefix}{index:0000}_label{label}.png with labels.")]
    public string Prefix { get; init; } = "image_";

    [Param("Nearest-neighbour upscale factor.", Min = 1, Max = 64)]
    public int Scale { get; init; } = 1;
}
