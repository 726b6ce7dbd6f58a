using Diffusion.Contracts;

namespace Diffusion.Plugins.Ldm;

/// <summary>
/// Registers the latent-diffusion components over diffusers/transformers model folders: <c>encoder.autoencoder_kl</c>,
/// <c>conditioner.clip_text</c> and <c>denoiser.unet2d_condition</c>.
/// </summary>
public sealed class LdmPlugin : IDiffusionPlugin
{
    /// <inheritdoc />
    public void Register(IPluginRegistrar registrar)
    {
        ArgumentNullException.ThrowIfNull(registrar);
        registrar.AddNodeType(new AutoencoderKlEncoderNode());
        registrar.AddNodeType(new ClipTextConditionerNode());
        registrar.AddNodeType(new UNet2DConditionDenoiserNode());
        registrar.AddNodeType(new LatentTextTrainNode());
        registrar.AddNodeType(new DiffusersModelNode());
        registrar.AddNodeType(new PerImageSeedSamplerNode());
    }
}
