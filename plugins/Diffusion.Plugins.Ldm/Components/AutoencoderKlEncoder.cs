using Diffusion.Contracts;
using Diffusion.Nn;
using static TorchSharp.torch;

namespace Diffusion.Plugins.Ldm;

/// <summary>
/// The KL autoencoder of latent diffusion (<see cref="AutoencoderKL"/>) as an <see cref="IEncoder"/>: images in
/// [−1, 1] → posterior sample (or mean) → (z − shift) · scaling_factor, and back (Rombach et al. 2022, §3.1 and
/// appendix G: latents are rescaled to unit variance). Decoded images are not clamped. Results come back in the
/// input's dtype and device. Immutable; runs without autograd.
/// </summary>
public sealed class AutoencoderKlEncoder : IEncoder
{
    private readonly AutoencoderKL model;

    /// <summary>Wraps <paramref name="model"/> (taking ownership).</summary>
    public AutoencoderKlEncoder(AutoencoderKL model)
    {
        ArgumentNullException.ThrowIfNull(model);
        this.model = model;
    }

    /// <summary>The network.</summary>
    public AutoencoderKL Network => model;

    /// <inheritdoc />
    public double ScalingFactor => model.Config.ScalingFactor;

    /// <inheritdoc />
    /// <exception cref="ArgumentException">The shape is not [channels, height, width] with the autoencoder's channels.</exception>
    public IReadOnlyList<long> LatentShape(IReadOnlyList<long> dataShape)
    {
        ArgumentNullException.ThrowIfNull(dataShape);
        if (dataShape.Count != 3 || dataShape[0] != model.Config.InChannels || dataShape[1] < 1 || dataShape[2] < 1)
        {
            throw new ArgumentException(
                $"encoder.autoencoder_kl: data shape [{string.Join(", ", dataShape)}] is not [{model.Config.InChannels}, height, width].", nameof(dataShape));
        }

        // Each stride-2 convolution (after padding right/bottom by one) maps a side s to floor(s / 2).
        long height = dataShape[1], width = dataShape[2];
        for (int i = 0; i < model.Config.Downsamplings; i++)
        {
            height /= 2;
            width /= 2;
        }

        return [model.Config.LatentChannels, height, width];
    }

    /// <inheritdoc />
    public Tensor Encode(Tensor data, Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        using var gradMode = no_grad();
        using var scope = NewDisposeScope();
        var weights = model.parameters().First();
        using var posterior = model.Encode(data.to(weights.dtype, weights.device));
        var latents = model.ScaleLatents(posterior.Sample(generator));
        return latents.to(data.dtype, data.device).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public Tensor Decode(Tensor latents)
    {
        ArgumentNullException.ThrowIfNull(latents);
        using var gradMode = no_grad();
        using var scope = NewDisposeScope();
        var weights = model.parameters().First();
        var images = model.Decode(model.UnscaleLatents(latents.to(weights.dtype, weights.device)));
        return images.to(latents.dtype, latents.device).MoveToOuterDisposeScope();
    }
}
