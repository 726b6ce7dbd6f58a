using Diffusion.Contracts;
using Diffusion.Torch.Files;
using SkiaSharp;
using static TorchSharp.torch;

namespace Diffusion.Plugins.Images;

/// <summary>Params of <c>image.load</c>.</summary>
public sealed record ImageLoadOptions
{
    [Param("Image file (PNG, JPEG, WebP, BMP, GIF), relative to the pipeline file.", Required = true, Path = PathKind.InputFile)]
    public string Path { get; init; } = "";

    [Param("Width to resize to with bilinear filtering (0: keep the file's).", Min = 0, Max = 8192)]
    public int Width { get; init; }

    [Param("Height to resize to (0: keep the file's).", Min = 0, Max = 8192)]
    public int Height { get; init; }

    [Param("Channels of the result: 3 (RGB) or 1 (grey, ITU-R BT.601 luma).", Min = 1, Max = 3)]
    public int Channels { get; init; } = 3;
}

/// <summary>
/// The <c>image.load</c> node: one image file as a tensor [1, C, H, W] in [−1, 1] (v = byte / 127.5 − 1, the inverse
/// of the PNG writers), e.g. the source of image-to-image. Transparent pixels are composed over white.
/// </summary>
public sealed class ImageLoadNode : NodeType<ImageLoadOptions>
{
    /// <inheritdoc />
    protected override string Name => "image.load";

    /// <inheritdoc />
    protected override string Category => "input";

    /// <inheritdoc />
    protected override string Description => "Reads an image file into [1, C, H, W] in [-1, 1], optionally resized and as RGB or grey.";

    /// <inheritdoc />
    protected override IReadOnlyList<PortDescriptor> Outputs => [new("images", PortType.Images, "The image [1, C, H, W] in [-1, 1].")];

    /// <inheritdoc />
    protected override IEnumerable<ValidationIssue> ValidateOptions(ImageLoadOptions options, NodeValidationContext context)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(context);
        if (options.Channels == 2)
        {
            yield return context.ParamIssue("channels", "channels must be 3 (RGB) or 1 (grey).");
        }
    }

    /// <inheritdoc />
    public override string? Fingerprint(NodeValidationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var path = System.IO.Path.GetFullPath(context.Params["path"]?.GetValue<string>() ?? "", context.BaseDirectory);
        return File.Exists(path) ? $"{path}:{new FileInfo(path).Length}:{File.GetLastWriteTimeUtc(path).Ticks}" : null;
    }

    /// <inheritdoc />
    protected override Task<NodeOutputs> ExecuteAsync(INodeExecutionContext context, ImageLoadOptions options)
    {
        ArgumentNullException.ThrowIfNull(context);
        return Task.FromResult(NodeOutputs.Of("images", Load(context.ResolveInputPath(options.Path), options)));
    }

    /// <summary>The largest image file read (a 8192 × 8192 PNG of noise is about 200 MB).</summary>
    public const long MaxFileBytes = 256L << 20;

    /// <summary>The most pixels decoded (the file's own size, before resizing): 8192 × 8192.</summary>
    public const long MaxDecodedPixels = 8192L * 8192;

    /// <summary>Reads and converts the file.</summary>
    /// <exception cref="FileNotFoundException">No such file.</exception>
    /// <exception cref="FileRefusedException">A folder, a device, a FIFO, or a file over <see cref="MaxFileBytes"/>.</exception>
    /// <exception cref="InvalidInputException">Not a decodable image, or one over <see cref="MaxDecodedPixels"/>.</exception>
    public static Tensor Load(string path, ImageLoadOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var bytes = SafeFile.ReadAllBytes(path, MaxFileBytes, "image.load: image file");

        // The header gives the size before any pixel is decoded, so a small file declaring a huge image is refused
        // without allocating its bitmap.
        using var data = SKData.CreateCopy(bytes);
        using var codec = SKCodec.Create(data)
            ?? throw new InvalidInputException($"image.load: '{path}' is not an image SkiaSharp can decode (PNG, JPEG, WebP, BMP, GIF); give an image file.");
        if ((long)codec.Info.Width * codec.Info.Height > MaxDecodedPixels)
        {
            throw new InvalidInputException($"image.load: '{path}' is {codec.Info.Width} × {codec.Info.Height} pixels, over the {MaxDecodedPixels:N0}-pixel limit; scale the file down first.");
        }

        using var decoded = SKBitmap.Decode(codec)
            ?? throw new InvalidInputException($"image.load: '{path}' could not be decoded (a damaged {codec.EncodedFormat} file?); give an intact image file.");
        int width = options.Width > 0 ? options.Width : decoded.Width;
        int height = options.Height > 0 ? options.Height : decoded.Height;
        using var rgba = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        using (var canvas = new SKCanvas(rgba))
        using (var image = SKImage.FromBitmap(decoded))
        {
            canvas.Clear(SKColors.White);
            canvas.DrawImage(image, new SKRect(0, 0, width, height), new SKSamplingOptions(SKFilterMode.Linear));
        }

        var pixels = rgba.Bytes;
        using var scope = NewDisposeScope();
        var hwc = tensor(pixels, ScalarType.Byte).reshape(height, width, 4).narrow(2, 0, 3).to(ScalarType.Float32);
        var chw = hwc.permute(2, 0, 1);
        if (options.Channels == 1)
        {
            chw = ((0.299 * chw[0]) + (0.587 * chw[1]) + (0.114 * chw[2])).unsqueeze(0);
        }

        return ((chw / 127.5) - 1).unsqueeze(0).contiguous().MoveToOuterDisposeScope();
    }
}
