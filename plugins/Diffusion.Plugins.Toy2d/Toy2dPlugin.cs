using Diffusion.Contracts;

namespace Diffusion.Plugins.Toy2d;

/// <summary>The Toy2d plugin: toy 2-D distributions, an MLP denoiser for them, and point-cloud metrics.</summary>
public sealed class Toy2dPlugin : IDiffusionPlugin
{
    /// <inheritdoc />
    public void Register(IPluginRegistrar registrar)
    {
        ArgumentNullException.ThrowIfNull(registrar);
        registrar.AddNodeType(new Toy2dDatasetNode());
        registrar.AddNodeType(new SamplePointsNode());
        registrar.AddNodeType(new Mlp2dNode());
        registrar.AddNodeType(new EvalPointsNode());
        registrar.AddNodeType(new EvalModesNode());
    }
}
