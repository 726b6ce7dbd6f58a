namespace Diffusion.Nn;

/// <summary>The networks a model folder can hold, recognised by its <c>config.json</c>.</summary>
public enum ModelFolderKind
{
    /// <summary>diffusers' <c>UNet2DModel</c> (pixel-space DDPM UNet).</summary>
    UNet2DModel,

    /// <summary>diffusers' <c>UNet2DConditionModel</c> (Stable Diffusion's text-conditioned UNet).</summary>
    UNet2DConditionModel,

    /// <summary>diffusers' <c>AutoencoderKL</c> (Stable Diffusion's VAE).</summary>
    AutoencoderKL,

    /// <summary>transformers' <c>CLIPTextModel</c> (Stable Diffusion's text encoder).</summary>
    ClipTextModel,
}
