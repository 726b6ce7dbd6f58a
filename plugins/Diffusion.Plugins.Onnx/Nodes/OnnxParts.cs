using Diffusion.Contracts;
using Diffusion.Onnx;
using Diffusion.Text;
using Microsoft.Extensions.Logging;

namespace Diffusion.Plugins.Onnx;

/// <summary>Opens the parts of an ONNX folder as components (shared by the part nodes and <c>model.onnx</c>).</summary>
internal static class OnnxParts
{
    /// <summary>SD 1.x/2.x latent scaling factor, used when the folder does not say.</summary>
    public const double DefaultScalingFactor = 0.18215;

    /// <summary>Latent side used when neither the params nor the folder give one (SD 1.x: 512 px / 8).</summary>
    public const int DefaultLatentSize = 64;

    public static OnnxUNetDenoiser UNet(string model, OnnxSessionSettings session, string prediction, int latentHeight, int latentWidth, ILogger logger, string node)
    {
        var file = OnnxFolders.Part(model, "unet", node);
        var size = (int?)OnnxFolders.PartConfigNumber(file, "sample_size") ?? DefaultLatentSize;
        var onnx = OnnxSessions.Open(file, session, logger);
        try
        {
            return new OnnxUNetDenoiser(onnx, OnnxFolders.Prediction(model, prediction), latentHeight > 0 ? latentHeight : size, latentWidth > 0 ? latentWidth : size);
        }
        catch
        {
            onnx.Dispose();
            throw;
        }
    }

    public static OnnxVaeEncoder Vae(string model, OnnxSessionSettings session, double scalingFactor, ILogger logger, string node)
    {
        var decoderFile = OnnxFolders.Part(model, "vae_decoder", node);
        var encoderFile = OnnxFolders.OptionalPart(model, "vae_encoder", node);
        var scaling = scalingFactor > 0 ? scalingFactor : OnnxFolders.PartConfigNumber(decoderFile, "scaling_factor") ?? DefaultScalingFactor;
        var decoder = OnnxSessions.Open(decoderFile, session, logger);
        OnnxModel? encoder = null;
        try
        {
            encoder = encoderFile is null ? null : OnnxSessions.Open(encoderFile, session, logger);
            var (downsampling, channels, _) = OnnxVaeEncoder.Probe(decoder);
            return new OnnxVaeEncoder(decoder, encoder, scaling, downsampling, channels);
        }
        catch
        {
            decoder.Dispose();
            encoder?.Dispose();
            throw;
        }
    }

    public static OnnxClipConditioner Clip(string model, OnnxSessionSettings session, string? tokenizerFolder, ILogger logger, string node)
    {
        var file = OnnxFolders.Part(model, "text_encoder", node);
        var tokenizer = ClipTokenizer.FromFolder(OnnxFolders.Tokenizer(model, tokenizerFolder, node));
        var onnx = OnnxSessions.Open(file, session, logger);
        try
        {
            return new OnnxClipConditioner(tokenizer, onnx);
        }
        catch
        {
            onnx.Dispose();
            throw;
        }
    }
}
