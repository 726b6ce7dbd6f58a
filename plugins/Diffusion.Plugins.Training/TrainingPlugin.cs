using Diffusion.Contracts;

namespace Diffusion.Plugins.Training;

/// <summary>The Training plugin: <c>train.denoising</c>.</summary>
public sealed class TrainingPlugin : IDiffusionPlugin
{
    /// <inheritdoc />
    public void Register(IPluginRegistrar registrar)
    {
        ArgumentNullException.ThrowIfNull(registrar);
        registrar.AddNodeType(new DenoisingTrainNode());
    }
}
