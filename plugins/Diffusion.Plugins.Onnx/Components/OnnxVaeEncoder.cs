using Diffusion.Contracts;
using Diffusion.Onnx;
using static TorchSharp.torch;

namespace Diffusion.Plugins.Onnx;

/// <summary>
/// A Stable Diffusion VAE exported to ONNX as an <see cref="IEncoder"/>: <c>vae_decoder</c> (<c>latent_sample</c> →
/// <c>sample</c>) and, for image-to-image, <c>vae_encoder</c> (<c>sample</c> → <c>latent_sample</c>). Latents are scaled
/// by the scaling factor outside the graphs, as diffusers' ONNX pipelines do (Rombach et al. 2022, appendix G). The
/// encoder graph decides what it returns (the posterior mean in OnnxStack's and this project's exports; diffusers'
/// exporter bakes in a sample), so <see cref="Encode"/> ignores the generator.
/// </summary>
public sealed class OnnxVaeEncoder : IEncoder
{
    private readonly OnnxModel decoder;
    private readonly OnnxModel? encoder;

    /// <summary>Wraps the graphs (taking ownership).</summary>
    /// <param name="decoder">The vae_decoder graph.</param>
    /// <param name="encoder">The vae_encoder graph, or null (then only decoding works).</param>
    /// <param name="scalingFactor">Latent scaling factor (SD 1.x/2.x: 0.18215).</param>
    /// <param name="downsampling">Image side / latent side (SD: 8), measured from the decoder.</param>
    /// <param name="latentChannels">Latent channels (SD: 4).</param>
    public OnnxVaeEncoder(OnnxModel decoder, OnnxModel? encoder, double scalingFactor, int downsampling, int latentChannels)
    {
        ArgumentNullException.ThrowIfNull(decoder);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(scalingFactor);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(downsampling);
        this.decoder = decoder;
        this.encoder = encoder;
        ScalingFactor = scalingFactor;
        Downsampling = downsampling;
        LatentChannels = latentChannels;
    }

    /// <summary>Decoder graph names.</summary>
    public const string LatentName = "latent_sample", ImageName = "sample";

    /// <inheritdoc />
    public double ScalingFactor { get; }

    /// <summary>Image side over latent side.</summary>
    public int Downsampling { get; }

    /// <summary>Latent channels.</summary>
    public int LatentChannels { get; }

    /// <summary>
    /// The decoder's spatial factor and latent channels, measured by decoding a 2×2 latent of zeros (a graph does not
    /// declare them: its sizes are symbolic).
    /// </summary>
    /// <exception cref="InvalidDataException">The graph is not a VAE decoder.</exception>
    public static (int Downsampling, int LatentChannels, int ImageChannels) Probe(OnnxModel decoder)
    {
        ArgumentNullException.ThrowIfNull(decoder);
        var input = decoder.Input(LatentName);
        decoder.Output(ImageName);
        if (input.Dimensions.Count != 4 || input.Dimensions[1] is not long channels)
        {
            throw new InvalidDataException($"ONNX VAE decoder '{decoder.Path}': input '{LatentName}' is {input.DescribeShape()}; expected [batch, channels, height, width] with fixed channels.");
        }

        using var scope = NewDisposeScope();
        long side = input.Dimensions[2] ?? 2;
        var image = decoder.Run([new(LatentName, zeros(1, channels, side, input.Dimensions[3] ?? side))], [ImageName])[ImageName];
        if (image.dim() != 4 || image.shape[2] % side != 0)
        {
            throw new InvalidDataException($"ONNX VAE decoder '{decoder.Path}': a [{1}, {channels}, {side}, {side}] latent decoded to [{string.Join(", ", image.shape)}], not an image a whole multiple larger.");
        }

        return ((int)(image.shape[2] / side), (int)channels, (int)image.shape[1]);
    }

    /// <inheritdoc />
    public IReadOnlyList<long> LatentShape(IReadOnlyList<long> dataShape)
    {
        ArgumentNullException.ThrowIfNull(dataShape);
        if (dataShape.Count != 3 || dataShape[1] % Downsampling != 0 || dataShape[2] % Downsampling != 0)
        {
            throw new ArgumentException($"encoder.onnx_vae: data shape [{string.Join(", ", dataShape)}] is not [channels, height, width] with sides divisible by {Downsampling}.", nameof(dataShape));
        }

        return [LatentChannels, dataShape[1] / Downsampling, dataShape[2] / Downsampling];
    }

    /// <inheritdoc />
    /// <exception cref="NotSupportedException">The folder has no vae_encoder.</exception>
    public Tensor Encode(Tensor data, Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (encoder is null)
        {
            throw new NotSupportedException("encoder.onnx_vae: this model folder has no vae_encoder/model.onnx, so images cannot be encoded (image-to-image needs it); only decoding works.");
        }

        using var scope = NewDisposeScope();
        var latents = encoder.Run([new(ImageName, data)], [LatentName])[LatentName];
        return (latents.to(ScalarType.Float32) * ScalingFactor).to(data.dtype, data.device).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public Tensor Decode(Tensor latents)
    {
        ArgumentNullException.ThrowIfNull(latents);
        using var scope = NewDisposeScope();
        var images = decoder.Run([new(LatentName, latents.to(ScalarType.Float32) / ScalingFactor)], [ImageName])[ImageName];
        return images.to(latents.dtype, latents.device).MoveToOuterDisposeScope();
    }
}
