using Diffusion.Contracts;

namespace Diffusion.Plugins.Analytic;

/// <summary>Analytic models with closed-form posteriors: the Gaussian-mixture denoiser and its dataset.</summary>
public sealed class AnalyticPlugin : IDiffusionPlugin
{
    /// <inheritdoc />
    public void Register(IPluginRegistrar registrar)
    {
        ArgumentNullException.ThrowIfNull(registrar);
        registrar.AddNodeType(new GaussianMixtureDenoiserNode());
        registrar.AddNodeType(new GaussianMixtureDatasetNode());
    }
}
