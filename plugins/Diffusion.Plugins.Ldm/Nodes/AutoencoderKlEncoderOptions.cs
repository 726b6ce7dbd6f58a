using Diffusion.Contracts;

namespace Diffusion.Plugins.Ldm;

/// <summary>Params of <c>encoder.autoencoder_kl</c>.</summary>
public sealed record AutoencoderKlEncoderOptions
{
    [Param("A diffusers AutoencoderKL folder (config.json + weights) or a Stable Diffusion pipeline folder (its vae/), relative to the pipeline file.", Required = true, Path = PathKind.InputFolder)]
    public string Model { get; init; } = "";
}
