using Diffusion.Contracts;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Diffusion.Nn;

/// <summary>
/// The KL-regularised autoencoder of latent diffusion (Rombach et al. 2022, §3.1) with diffusers' <c>AutoencoderKL</c>
/// module tree (encoder, decoder, quant_conv, post_quant_conv), so diffusers checkpoints load by name. Encoding gives
/// the posterior <see cref="DiagonalGaussian"/>; decoding maps unscaled latents back to images. Scaling latents by
/// <see cref="AutoencoderKLConfig.ScalingFactor"/> (and shifting) is the caller's (see <see cref="ScaleLatents"/>).
/// </summary>
public sealed class AutoencoderKL : nn.Module
{
    private readonly VaeEncoder encoder;
    private readonly VaeDecoder decoder;
    private readonly Conv2d? quant_conv;
    private readonly Conv2d? post_quant_conv;

    /// <summary>Builds the network with freshly initialised weights.</summary>
    /// <param name="config">The architecture (validated here).</param>
    /// <param name="attentionBackend">Computes the mid blocks' attention; null means dense.</param>
    /// <exception cref="InvalidDataException">The config holds unsupported values.</exception>
    public AutoencoderKL(AutoencoderKLConfig config, IAttentionBackend? attentionBackend = null)
        : base(nameof(AutoencoderKL))
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate("(in memory)");
        Config = config;
        encoder = new VaeEncoder(config, attentionBackend);
        decoder = new VaeDecoder(config, attentionBackend);
        if (config.UseQuantConv)
        {
            quant_conv = nn.Conv2d(2 * config.LatentChannels, 2 * config.LatentChannels, 1);
        }

        if (config.UsePostQuantConv)
        {
            post_quant_conv = nn.Conv2d(config.LatentChannels, config.LatentChannels, 1);
        }

        RegisterComponents();
        AttentionLayerNames.Assign(this);
    }

    /// <summary>The architecture.</summary>
    public AutoencoderKLConfig Config { get; }

    /// <summary>The posterior q(z | <paramref name="images"/>) for images [b, c, h, w] in [−1, 1].</summary>
    /// <exception cref="ArgumentException">The images do not have the config's channel count.</exception>
    public DiagonalGaussian Encode(Tensor images)
    {
        ArgumentNullException.ThrowIfNull(images);
        if (images.dim() != 4 || images.shape[1] != Config.InChannels)
        {
            throw new ArgumentException(
                $"AutoencoderKL: images must be [batch, {Config.InChannels}, height, width], got [{string.Join(", ", images.shape)}].", nameof(images));
        }

        using var scope = NewDisposeScope();
        var moments = encoder.forward(images);
        if (quant_conv is not null)
        {
            moments = quant_conv.forward(moments);
        }

        var posterior = new DiagonalGaussian(moments);
        posterior.Mean.MoveToOuterDisposeScope();
        posterior.LogVar.MoveToOuterDisposeScope();
        return posterior;
    }

    /// <summary>Unscaled latents [b, latent channels, h, w] to images [b, c, h·f, w·f] (about [−1, 1]; not clamped).</summary>
    /// <exception cref="ArgumentException">The latents do not have the config's latent channel count.</exception>
    public Tensor Decode(Tensor latents)
    {
        ArgumentNullException.ThrowIfNull(latents);
        if (latents.dim() != 4 || latents.shape[1] != Config.LatentChannels)
        {
            throw new ArgumentException(
                $"AutoencoderKL: latents must be [batch, {Config.LatentChannels}, height, width], got [{string.Join(", ", latents.shape)}].", nameof(latents));
        }

        using var scope = NewDisposeScope();
        var z = post_quant_conv is null ? latents : post_quant_conv.forward(latents);
        return decoder.forward(z).MoveToOuterDisposeScope();
    }

    /// <summary>Latents in diffusion space: (z − shift_factor) · scaling_factor.</summary>
    public Tensor ScaleLatents(Tensor latents)
    {
        ArgumentNullException.ThrowIfNull(latents);
        using var scope = NewDisposeScope();
        var shifted = Config.ShiftFactor is double shift ? latents - shift : latents;
        return (shifted * Config.ScalingFactor).MoveToOuterDisposeScope();
    }

    /// <summary>The inverse of <see cref="ScaleLatents"/>: z / scaling_factor + shift_factor.</summary>
    public Tensor UnscaleLatents(Tensor latents)
    {
        ArgumentNullException.ThrowIfNull(latents);
        using var scope = NewDisposeScope();
        var unscaled = latents / Config.ScalingFactor;
        if (Config.ShiftFactor is double shift)
        {
            unscaled = unscaled + shift;
        }

        return unscaled.MoveToOuterDisposeScope();
    }
}
