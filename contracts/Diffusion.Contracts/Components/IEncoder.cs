using TorchSharp;

namespace Diffusion.Contracts;

/// <summary>
/// Maps data to the space diffusion runs in and back: identity for pixel-space models, a VAE for latent diffusion.
/// </summary>
public interface IEncoder
{
    /// <summary>The multiplier applied to latents after encoding (Stable Diffusion: 0.18215).</summary>
    double ScalingFactor { get; }

    /// <summary>The diffusion-space shape of one item for a data shape (without batch).</summary>
    IReadOnlyList<long> LatentShape(IReadOnlyList<long> dataShape);

    /// <summary>Data [batch, ...] in [-1, 1] to scaled latents; <paramref name="generator"/> samples the posterior, null takes its mean.</summary>
    torch.Tensor Encode(torch.Tensor data, torch.Generator? generator = null);

    /// <summary>Scaled latents back to data in [-1, 1].</summary>
    torch.Tensor Decode(torch.Tensor latents);
}
