using Diffusion.Contracts;

namespace Diffusion.Plugins.Denoisers;

/// <summary>Registers the trainable denoiser networks (<c>denoiser.unet2d</c>).</summary>
public sealed class DenoisersPlugin : IDiffusionPlugin
{
    /// <inheritdoc />
    public void Register(IPluginRegistrar registrar)
    {
        ArgumentNullException.ThrowIfNull(registrar);
        registrar.AddNodeType(new UNet2DDenoiserNode());
    }
}
