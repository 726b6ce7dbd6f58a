using Diffusion.Contracts;

namespace Diffusion.Plugins.Images;

/// <summary>The Images plugin (SkiaSharp): scatter and line plots, image grids, PNG files and metric tables.</summary>
public sealed class ImagesPlugin : IDiffusionPlugin
{
    /// <inheritdoc />
    public void Register(IPluginRegistrar registrar)
    {
        ArgumentNullException.ThrowIfNull(registrar);
        registrar.AddNodeType(new ScatterPngNode());
        registrar.AddNodeType(new ImageGridNode());
        registrar.AddNodeType(new PngFilesNode());
        registrar.AddNodeType(new ImageLoadNode());
        registrar.AddNodeType(new MetricsTableNode());
        registrar.AddNodeType(new MetricsMergeNode());
        registrar.AddNodeType(new LinePlotNode());
    }
}
