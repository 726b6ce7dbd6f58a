using Diffusion.Contracts;
using SkiaSharp;
using static TorchSharp.torch;

namespace Diffusion.Plugins.Images;

/// <summary>
/// <c>output.scatter_png</c>: a scatter plot of 2-D points (blue) over optional reference points (grey), written as a
/// PNG. The first two columns are plotted; y points up.
/// </summary>
public sealed class ScatterPngNode : NodeType<ScatterPngOptions>
{
    /// <inheritdoc />
    protected override string Name => "output.scatter_png";

    /// <inheritdoc />
    protected override string Category => "output";

    /// <inheritdoc />
    protected override string Description => "Writes a scatter plot PNG of 2-D points, with optional reference points underneath.";

    /// <inheritdoc />
    protected override bool HasSideEffects => true;

    /// <inheritdoc />
    protected override IReadOnlyList<PortDescriptor> Inputs =>
    [
        new("points", PortType.Tensor, "Points [count, 2] (blue)."),
        new("reference", PortType.Tensor, "Reference points [count, 2] (grey), drawn first.", Optional: true),
    ];

    /// <inheritdoc />
    protected override IReadOnlyList<PortDescriptor> Outputs => [new("file", PortType.File, "The PNG written.")];

    /// <inheritdoc />
    protected override IEnumerable<ValidationIssue> ValidateOptions(ScatterPngOptions options, NodeValidationContext context)
    {
        if (options.Range is not null && (options.Range.Length != 2 || !(options.Range[0] < options.Range[1])))
        {
            yield return context.ParamIssue("range", "range must be [min, max] with min < max.");
        }
    }

    /// <inheritdoc />
    protected override Task<NodeOutputs> ExecuteAsync(INodeExecutionContext context, ScatterPngOptions options)
    {
        var points = ReadPoints(context.GetInput<Tensor>("points"), context.NodeId, "points");
        var referenceTensor = context.GetOptionalInput<Tensor>("reference");
        var reference = referenceTensor is null ? [] : ReadPoints(referenceTensor, context.NodeId, "reference");
        var path = context.ResolveOutputPath(options.Path);
        Render(points, reference, options, path);
        return Task.FromResult(NodeOutputs.Of("file", path));
    }

    /// <summary>Draws and writes the plot.</summary>
    public static void Render(float[][] points, float[][] reference, ScatterPngOptions options, string path)
    {
        ArgumentNullException.ThrowIfNull(options);
        var (min, max) = options.Range is { Length: 2 } range ? (range[0], range[1]) : Fit(points.Concat(reference));
        var size = options.Size;
        var margin = size * 0.04f;
        var top = string.IsNullOrEmpty(options.Title) ? margin : margin + (size * 0.05f);
        var plot = Math.Min(size - (2 * margin), size - top - margin);
        float X(double v) => margin + (float)((v - min) / (max - min) * plot);
        float Y(double v) => top + plot - (float)((v - min) / (max - min) * plot);

        using var bitmap = new SKBitmap(size, size, SKColorType.Rgba8888, SKAlphaType.Premul);
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(SKColors.White);
            using var frame = new SKPaint { Color = new SKColor(180, 180, 180), Style = SKPaintStyle.Stroke, StrokeWidth = 1, IsAntialias = true };
            canvas.DrawRect(margin, top, plot, plot, frame);
            if (min < 0 && max > 0)
            {
                canvas.DrawLine(X(0), top, X(0), top + plot, frame);
                canvas.DrawLine(margin, Y(0), margin + plot, Y(0), frame);
            }

            using var grey = new SKPaint { Color = new SKColor(150, 150, 150, 140), IsAntialias = true };
            using var blue = new SKPaint { Color = new SKColor(31, 119, 180, 200), IsAntialias = true };
            var radius = (float)options.PointRadius;
            foreach (var p in reference)
            {
                canvas.DrawCircle(X(p[0]), Y(p[1]), radius, grey);
            }

            foreach (var p in points)
            {
                canvas.DrawCircle(X(p[0]), Y(p[1]), radius, blue);
            }

            if (!string.IsNullOrEmpty(options.Title))
            {
                using var font = PngEncoding.Font(size * 0.035f);
                using var ink = new SKPaint { Color = SKColors.Black, IsAntialias = true };
                canvas.DrawText(options.Title, size / 2f, margin + (size * 0.035f), SKTextAlign.Center, font, ink);
            }
        }

        PngEncoding.Save(bitmap, path);
    }

    private static (double Min, double Max) Fit(IEnumerable<float[]> points)
    {
        double min = double.PositiveInfinity, max = double.NegativeInfinity;
        foreach (var p in points)
        {
            min = Math.Min(min, Math.Min(p[0], p[1]));
            max = Math.Max(max, Math.Max(p[0], p[1]));
        }

        if (!double.IsFinite(min) || !double.IsFinite(max) || max <= min)
        {
            return (-1, 1);
        }

        var pad = 0.05 * (max - min);
        return (min - pad, max + pad);
    }

    private static float[][] ReadPoints(Tensor tensor, string node, string port)
    {
        if (tensor.dim() != 2 || tensor.shape[1] < 2)
        {
            throw new ArgumentException($"output.scatter_png '{node}': input '{port}' must be points [count, 2], got [{string.Join(", ", tensor.shape)}].");
        }

        using var scope = NewDisposeScope();
        var values = tensor.detach().cpu().narrow(1, 0, 2).to_type(ScalarType.Float32).contiguous().data<float>().ToArray();
        var result = new float[tensor.shape[0]][];
        for (var i = 0; i < result.Length; i++)
        {
            result[i] = [values[2 * i], values[(2 * i) + 1]];
        }

        return result;
    }
}
