using Diffusion.Contracts;
using SkiaSharp;
using static TorchSharp.torch;

namespace Diffusion.Plugins.Images;

/// <summary>
/// <c>output.image_grid</c>: images [N, C, H, W] in [−1, 1] tiled into one PNG, optionally captioned with their labels
/// (text under each cell) and grouped one row per label.
/// </summary>
public sealed class ImageGridNode : NodeType<ImageGridOptions>
{
    /// <inheritdoc />
    protected override string Name => "output.image_grid";

    /// <inheritdoc />
    protected override string Category => "output";

    /// <inheritdoc />
    protected override string Description => "Writes images [N, C, H, W] in [-1, 1] as one PNG grid, with optional label captions.";

    /// <inheritdoc />
    protected override bool HasSideEffects => true;

    /// <inheritdoc />
    protected override IReadOnlyList<PortDescriptor> Inputs =>
    [
        new("images", PortType.Tensor, "Images [N, C, H, W] with values in [-1, 1]."),
        new("labels", PortType.Tensor, "Class labels [N] drawn under each cell.", Optional: true),
    ];

    /// <inheritdoc />
    protected override IReadOnlyList<PortDescriptor> Outputs => [new("file", PortType.File, "The PNG written.")];

    /// <inheritdoc />
    protected override Task<NodeOutputs> ExecuteAsync(INodeExecutionContext context, ImageGridOptions options)
    {
        var images = context.GetInput<Tensor>("images");
        var labelTensor = context.GetOptionalInput<Tensor>("labels");
        long[]? labels = labelTensor?.detach().cpu().to_type(ScalarType.Int64).reshape(-1).data<long>().ToArray();
        if (labels is not null && labels.Length != images.shape[0])
        {
            throw new ArgumentException($"output.image_grid '{context.NodeId}': {labels.Length} labels for {images.shape[0]} images.");
        }

        if (options.RowsByLabel && labels is null)
        {
            throw new ArgumentException($"output.image_grid '{context.NodeId}': rows_by_label needs the 'labels' input.");
        }

        var path = context.ResolveOutputPath(options.Path);
        Render(images, labels, options, path);
        return Task.FromResult(NodeOutputs.Of("file", path));
    }

    /// <summary>The largest grid drawn, in pixels (a 16384 × 16384 RGBA bitmap is 1 GiB).</summary>
    public const long MaxPixels = 1L << 28;

    /// <summary>Draws and writes the grid.</summary>
    /// <exception cref="InvalidInputException">No images, or a grid larger than <see cref="MaxPixels"/>.</exception>
    public static void Render(Tensor images, long[]? labels, ImageGridOptions options, string path)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(images);
        if (images.dim() == 4 && images.shape[0] == 0)
        {
            throw new InvalidInputException("output.image_grid: the linked images tensor holds no images; nothing to draw.");
        }

        if (options.Captions.Count > 0 && (images.dim() < 1 || images.shape[0] % options.Captions.Count != 0))
        {
            throw new InvalidInputException($"output.image_grid: {options.Captions.Count} captions for {(images.dim() < 1 ? 0 : images.shape[0])} images; give one caption per image, or a number of captions that divides the image count (each is then repeated in place, as the condition node repeats prompts).");
        }

        var rgba = PngEncoding.ToRgba(images, out var count, out var height, out var width);
        var layout = Layout(count, labels, options);
        var rows = layout.Max(c => c.Row) + 1;
        var columns = layout.Max(c => c.Column) + 1;
        var cellWidth = (long)width * options.Scale;
        var cellHeight = (long)height * options.Scale;
        var captions = options.Captions.Count == 0 ? null
            : options.Captions.SelectMany(c => Enumerable.Repeat(c, (int)(count / options.Captions.Count))).ToArray();
        var captionHeight = labels is null && captions is null ? 0 : Math.Max(12, cellHeight / 5);
        var pad = options.Padding;
        var bitmapWidth = (columns * (cellWidth + pad)) + pad;
        var bitmapHeight = (rows * (cellHeight + captionHeight + pad)) + pad;
        if (bitmapWidth * bitmapHeight > MaxPixels || bitmapWidth > int.MaxValue / 4 || bitmapHeight > int.MaxValue / 4)
        {
            throw new InvalidInputException(
                $"output.image_grid: a grid of {rows} × {columns} cells of {cellWidth} × {cellHeight} pixels is {bitmapWidth} × {bitmapHeight} pixels, over the {MaxPixels:N0}-pixel limit; lower 'scale', set 'columns', or draw fewer images.");
        }

        using var bitmap = new SKBitmap(
            (int)bitmapWidth,
            (int)bitmapHeight,
            SKColorType.Rgba8888,
            SKAlphaType.Premul);
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(SKColors.White);
            using var font = PngEncoding.Font(captionHeight * 0.8f);
            using var ink = new SKPaint { Color = SKColors.Black, IsAntialias = true };
            for (var i = 0; i < count; i++)
            {
                var (row, column) = layout[i];
                var x = pad + (column * (cellWidth + pad));
                var y = pad + (row * (cellHeight + captionHeight + pad));
                using var cell = PngEncoding.ToBitmap(rgba, i, height, width, options.Scale);
                canvas.DrawBitmap(cell, x, y);
                if (captions is not null)
                {
                    // Long captions shrink to the cell's width (about 0.55 em per character).
                    var size = Math.Min(captionHeight * 0.8f, (cellWidth + pad) / (0.55f * Math.Max(1, captions[i].Length)));
                    using var small = PngEncoding.Font(size);
                    canvas.DrawText(captions[i], x + (cellWidth / 2f), y + cellHeight + (captionHeight * 0.85f), SKTextAlign.Center, small, ink);
                }
                else if (labels is not null)
                {
                    canvas.DrawText(labels[i].ToString(System.Globalization.CultureInfo.InvariantCulture), x + (cellWidth / 2f), y + cellHeight + (captionHeight * 0.85f), SKTextAlign.Center, font, ink);
                }
            }
        }

        PngEncoding.Save(bitmap, path);
    }

    private static (int Row, int Column)[] Layout(long count, long[]? labels, ImageGridOptions options)
    {
        var cells = new (int Row, int Column)[count];
        if (options.RowsByLabel && labels is not null)
        {
            var rowOf = labels.Distinct().Order().Select((label, row) => (label, row)).ToDictionary(p => p.label, p => p.row);
            var used = new int[rowOf.Count];
            for (var i = 0; i < count; i++)
            {
                var row = rowOf[labels[i]];
                cells[i] = (row, used[row]++);
            }

            return cells;
        }

        var columns = options.Columns > 0 ? options.Columns : (int)Math.Ceiling(Math.Sqrt(count));
        for (var i = 0; i < count; i++)
        {
            cells[i] = (i / columns, i % columns);
        }

        return cells;
    }
}
