using static TorchSharp.torch;

namespace Diffusion.Torch.Imaging;

/// <summary>Image tensors to PNG files' bytes, without an imaging library (see <see cref="PngEncoder"/>).</summary>
public static class ImagePng
{
    /// <summary>
    /// One PNG per image of <paramref name="images"/> [N, C, H, W] with values in [−1, 1] (v ↦ round((v + 1) · 127.5),
    /// clamped to 0..255): C = 1 grey, 3 RGB, 4 RGBA.
    /// </summary>
    /// <exception cref="ArgumentException">The tensor is not such an image batch.</exception>
    public static IReadOnlyList<byte[]> EncodeBatch(Tensor images)
    {
        ArgumentNullException.ThrowIfNull(images);
        if (images.dim() != 4 || images.shape[1] is not (1 or 3 or 4))
        {
            throw new ArgumentException($"Images are [N, C, H, W] with 1, 3 or 4 channels; got [{string.Join(", ", images.shape)}].", nameof(images));
        }

        using var scope = NewDisposeScope();
        var bytes = ((images.detach().to(ScalarType.Float32).cpu().nan_to_num(0, 1, -1) + 1) * 127.5).round().clamp(0, 255).to(ScalarType.Byte);
        var nhwc = bytes.permute(0, 2, 3, 1).contiguous();
        var (count, height, width, channels) = ((int)nhwc.shape[0], (int)nhwc.shape[1], (int)nhwc.shape[2], (int)nhwc.shape[3]);
        var pixels = nhwc.data<byte>().ToArray();
        var size = height * width * channels;
        return [.. Enumerable.Range(0, count).Select(i => PngEncoder.Encode(pixels.AsSpan(i * size, size), width, height, channels))];
    }
}
