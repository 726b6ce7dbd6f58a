using static TorchSharp.torch;

namespace Diffusion.Torch.Imaging;

/// <summary>
/// A cheap look at a batch of samples during sampling: the first few images side by side as a small PNG. Pixel
/// images (1 or 3 channels, values in [−1, 1]) are shown as they are; 4-channel latents of Stable Diffusion's VAE go
/// through a fixed linear latent→RGB projection instead of the decoder (the preview has the latent's size, 1/8 of the
/// image's). Other shapes (points, sequences) have no preview.
/// </summary>
public static class SamplePreview
{
    /// <summary>The most images placed side by side.</summary>
    public const int MaxImages = 4;

    /// <summary>The longest side of a preview; larger tiles are subsampled by a whole factor.</summary>
    public const int MaxSide = 256;

    /// <summary>
    /// latent channel → (R, G, B) for SD 1.x latents scaled by the VAE's scaling factor (0.18215), the space samplers
    /// work in. These are the published values of ComfyUI's SD15 latent format (comfy/latent_formats.py,
    /// <c>latent_rgb_factors</c>), a least-squares fit of decoded colours on latents; used as data, with our own code.
    /// </summary>
    private static readonly float[,] LatentToRgb =
    {
        { 0.3512f, 0.2297f, 0.3227f },
        { 0.3250f, 0.4974f, 0.2350f },
        { -0.2829f, 0.1762f, 0.2721f },
        { -0.2120f, -0.2616f, -0.7177f },
    };

    /// <summary>
    /// The PNG of the first <see cref="MaxImages"/> images of <paramref name="samples"/> [N, C, H, W] in a row, or null
    /// for a shape that is not an image batch with 1, 3 or 4 channels. The tensor is only read.
    /// </summary>
    public static byte[]? ToPng(Tensor samples)
    {
        ArgumentNullException.ThrowIfNull(samples);
        if (samples.dim() != 4 || samples.shape[0] < 1 || samples.shape[1] is not (1 or 3 or 4) || samples.shape[2] < 1 || samples.shape[3] < 1)
        {
            return null;
        }

        using var scope = NewDisposeScope();
        var images = samples.detach().narrow(0, 0, Math.Min(MaxImages, samples.shape[0])).to(ScalarType.Float32).cpu();
        if (images.shape[1] == 4)
        {
            // [n, 4, h, w] → [n, 3, h, w]: each pixel's RGB = latent · factors (ComfyUI's preview formula, no bias).
            var factors = tensor(LatentToRgb);
            images = einsum("nchw,cr->nrhw", images, factors);
        }

        var stride = (int)Math.Ceiling(Math.Max(images.shape[2], images.shape[3] * images.shape[0]) / (double)MaxSide);
        if (stride > 1)
        {
            images = images[TensorIndex.Colon, TensorIndex.Colon, TensorIndex.Slice(null, null, stride), TensorIndex.Slice(null, null, stride)];
        }

        // [-1, 1] → 0..255; NaN (a diverging sampler) shows as black rather than failing the step.
        var bytes = ((images.nan_to_num(0, 1, -1) + 1) * 127.5).round().clamp(0, 255).to(ScalarType.Byte);
        // [n, c, h, w] → [h, n·w, c]: images side by side.
        var row = bytes.permute(2, 0, 3, 1).reshape(bytes.shape[2], bytes.shape[0] * bytes.shape[3], bytes.shape[1]).contiguous();
        var pixels = row.data<byte>().ToArray();
        return PngEncoder.Encode(pixels, (int)row.shape[1], (int)row.shape[0], (int)row.shape[2]);
    }
}
