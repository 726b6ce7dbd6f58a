using Diffusion.Torch.Files;
using SkiaSharp;
using static TorchSharp.torch;

namespace Diffusion.Plugins.Images;

/// <summary>Tensor-to-bitmap conversion and PNG encoding with SkiaSharp.</summary>
internal static class PngEncoding
{
    /// <summary>Encodes <paramref name="bitmap"/> as PNG and writes it atomically.</summary>
    public static void Save(SKBitmap bitmap, string path)
    {
        using var image = SKImage.FromBitmap(bitmap);
        using var data = image.Encode(SKEncodedImageFormat.Png, 100)
            ?? throw new InvalidOperationException($"SkiaSharp could not encode a PNG for '{path}'.");
        SafeFile.Write(path, data.AsSpan());
    }

    /// <summary>
    /// Images [n, c, h, w] with values in [−1, 1] to 8-bit RGBA bytes [n, h, w, 4]: v ↦ round((v + 1) · 127.5) clamped
    /// to 0..255; one channel is grey, three are RGB, four RGBA; other channel counts are an error.
    /// </summary>
    public static byte[] ToRgba(Tensor images, out long count, out int height, out int width)
    {
        if (images.dim() != 4)
        {
            throw new ArgumentException($"images must be [N, C, H, W], got [{string.Join(", ", images.shape)}].");
        }

        var channels = images.shape[1];
        if (channels is not (1 or 3 or 4))
        {
            throw new ArgumentException($"images must have 1, 3 or 4 channels, got {channels}.");
        }

        using var scope = NewDisposeScope();
        var bytes = ((images.detach().cpu().to_type(ScalarType.Float32) + 1) * 127.5).round().clamp(0, 255).to_type(ScalarType.Byte);
        var rgba = channels switch
        {
            1 => cat([bytes, bytes, bytes, full_like(bytes, 255)], 1),
            3 => cat([bytes, full_like(bytes.narrow(1, 0, 1), 255)], 1),
            _ => bytes,
        };
        var nhwc = rgba.permute(0, 2, 3, 1).contiguous();
        count = images.shape[0];
        height = (int)images.shape[2];
        width = (int)images.shape[3];
        return nhwc.data<byte>().ToArray();
    }

    /// <summary>Image <paramref name="index"/> of <see cref="ToRgba"/> output as a bitmap, nearest-neighbour upscaled by <paramref name="scale"/>.</summary>
    public static SKBitmap ToBitmap(byte[] rgba, long index, int height, int width, int scale)
    {
        var bitmap = new SKBitmap(width * scale, height * scale, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        var pixels = new byte[width * scale * height * scale * 4];
        var offset = index * height * width * 4;
        for (var y = 0; y < height * scale; y++)
        {
            for (var x = 0; x < width * scale; x++)
            {
                var source = offset + ((((long)(y / scale) * width) + (x / scale)) * 4);
                var target = ((y * width * scale) + x) * 4;
                Array.Copy(rgba, source, pixels, target, 4);
            }
        }

        System.Runtime.InteropServices.Marshal.Copy(pixels, 0, bitmap.GetPixels(), pixels.Length);
        return bitmap;
    }

    /// <summary>A default font for captions.</summary>
    public static SKFont Font(float size) => new(SKTypeface.Default, size);
}
