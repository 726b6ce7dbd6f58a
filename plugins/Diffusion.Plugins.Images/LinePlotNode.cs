using Diffusion.Contracts;
using SkiaSharp;
using static TorchSharp.torch;

namespace Diffusion.Plugins.Images;

/// <summary>
/// <c>output.line_plot</c>: series of (x, y) points as lines with markers on linear or log axes, with a legend, written
/// as a PNG (for benchmark curves such as time against sequence length). Points with a non-finite y (a skipped
/// measurement) leave a gap.
/// </summary>
public sealed class LinePlotNode : NodeType<LinePlotOptions>
{
    private static readonly SKColor[] Palette =
    [
        new(31, 119, 180), new(255, 127, 14), new(44, 160, 44), new(214, 39, 40), new(148, 103, 189),
        new(140, 86, 75), new(227, 119, 194), new(127, 127, 127), new(188, 189, 34), new(23, 190, 207),
    ];

    /// <inheritdoc />
    protected override string Name => "output.line_plot";

    /// <inheritdoc />
    protected override string Category => "output";

    /// <inheritdoc />
    protected override string Description => "Writes a line plot PNG of one or more series of (x, y) points, on linear or log axes, with a legend.";

    /// <inheritdoc />
    protected override bool HasSideEffects => true;

    /// <inheritdoc />
    protected override IReadOnlyList<PortDescriptor> Inputs =>
        [new("series", PortType.Points, "One tensor [count, 2] of (x, y) per series; NaN y leaves a gap.", Variadic: true)];

    /// <inheritdoc />
    protected override IReadOnlyList<PortDescriptor> Outputs => [new("file", PortType.File, "The PNG written.")];

    /// <inheritdoc />
    protected override IEnumerable<ValidationIssue> ValidateOptions(LinePlotOptions options, NodeValidationContext context)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(context);
        int linked = context.LinksOf("series").Count;
        if (linked > 0 && options.Labels.Count != 0 && options.Labels.Count != linked)
        {
            yield return context.ParamIssue("labels", $"{options.Labels.Count} labels for {linked} linked series; give one label per series, in the order linked, or none.");
        }
    }

    /// <inheritdoc />
    protected override Task<NodeOutputs> ExecuteAsync(INodeExecutionContext context, LinePlotOptions options)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(options);
        var inputs = context.GetInputs<Tensor>("series");
        if (inputs.Count == 0)
        {
            throw new InvalidInputException($"output.line_plot '{context.NodeId}': no series linked; link at least one points tensor [count, 2] to 'series'.");
        }

        if (options.Labels.Count != 0 && options.Labels.Count != inputs.Count)
        {
            throw new InvalidInputException($"output.line_plot '{context.NodeId}': {options.Labels.Count} labels for {inputs.Count} series; give one per series or none.");
        }

        var series = inputs.Select((tensor, i) => ReadSeries(tensor, context.NodeId, i)).ToList();
        var path = context.ResolveOutputPath(options.Path);
        Render(series, options, path);
        return Task.FromResult(NodeOutputs.Of("file", path));
    }

    /// <summary>Draws and writes the plot.</summary>
    public static void Render(IReadOnlyList<(double X, double Y)[]> series, LinePlotOptions options, string path)
    {
        ArgumentNullException.ThrowIfNull(series);
        ArgumentNullException.ThrowIfNull(options);
        var shown = series.Select(s => s.Where(p => double.IsFinite(p.X) && double.IsFinite(p.Y) && (!options.LogX || p.X > 0) && (!options.LogY || p.Y > 0)).OrderBy(p => p.X).ToArray()).ToList();
        var xAxis = PlotAxis.Fit(shown.SelectMany(s => s.Select(p => p.X)).ToList(), options.LogX, ticksAtValues: true);
        var yAxis = PlotAxis.Fit(shown.SelectMany(s => s.Select(p => p.Y)).ToList(), options.LogY, ticksAtValues: false);
        int width = options.Width, height = options.Height;
        float fontSize = Math.Max(11, height / 40f);
        // The legend sits right of the frame, so it never covers a line.
        var legendWidth = fontSize * (3.5f + (0.6f * series.Select((_, i) => LabelOf(options, i).Length).DefaultIfEmpty(0).Max()));
        float left = fontSize * 5.5f, right = width - fontSize - legendWidth;
        float top = string.IsNullOrEmpty(options.Title) ? fontSize * 1.5f : fontSize * 3f, bottom = height - (fontSize * 4f);
        float X(double v) => left + (float)(xAxis.Fraction(v) * (right - left));
        float Y(double v) => bottom - (float)(yAxis.Fraction(v) * (bottom - top));

        using var bitmap = new SKBitmap(width, height, SKColorType.Rgba8888, SKAlphaType.Premul);
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(SKColors.White);
            using var font = PngEncoding.Font(fontSize);
            using var ink = new SKPaint { Color = SKColors.Black, IsAntialias = true };
            using var grid = new SKPaint { Color = new SKColor(225, 225, 225), Style = SKPaintStyle.Stroke, StrokeWidth = 1 };
            using var frame = new SKPaint { Color = new SKColor(90, 90, 90), Style = SKPaintStyle.Stroke, StrokeWidth = 1, IsAntialias = true };
            foreach (var tick in xAxis.Ticks)
            {
                canvas.DrawLine(X(tick), top, X(tick), bottom, grid);
                canvas.DrawText(PlotAxis.Label(tick), X(tick), bottom + (fontSize * 1.3f), SKTextAlign.Center, font, ink);
            }

            foreach (var tick in yAxis.Ticks)
            {
                canvas.DrawLine(left, Y(tick), right, Y(tick), grid);
                canvas.DrawText(PlotAxis.Label(tick), left - (fontSize * 0.4f), Y(tick) + (fontSize * 0.35f), SKTextAlign.Right, font, ink);
            }

            canvas.DrawRect(left, top, right - left, bottom - top, frame);
            canvas.DrawText(options.XLabel, (left + right) / 2, height - (fontSize * 1.2f), SKTextAlign.Center, font, ink);
            canvas.Save();
            canvas.RotateDegrees(-90, fontSize * 1.2f, (top + bottom) / 2);
            canvas.DrawText(options.YLabel, fontSize * 1.2f, (top + bottom) / 2, SKTextAlign.Center, font, ink);
            canvas.Restore();
            if (!string.IsNullOrEmpty(options.Title))
            {
                canvas.DrawText(options.Title, width / 2f, fontSize * 1.8f, SKTextAlign.Center, font, ink);
            }

            for (int i = 0; i < shown.Count; i++)
            {
                using var pen = new SKPaint { Color = Palette[i % Palette.Length], Style = SKPaintStyle.Stroke, StrokeWidth = 2, IsAntialias = true };
                using var dot = new SKPaint { Color = Palette[i % Palette.Length], IsAntialias = true };
                for (int p = 0; p < shown[i].Length; p++)
                {
                    if (p > 0)
                    {
                        canvas.DrawLine(X(shown[i][p - 1].X), Y(shown[i][p - 1].Y), X(shown[i][p].X), Y(shown[i][p].Y), pen);
                    }

                    canvas.DrawCircle(X(shown[i][p].X), Y(shown[i][p].Y), 3.5f, dot);
                }

                float legendY = top + (fontSize * 1.3f * (i + 1));
                canvas.DrawLine(right + (fontSize * 0.6f), legendY - (fontSize * 0.35f), right + (fontSize * 2.2f), legendY - (fontSize * 0.35f), pen);
                canvas.DrawText(LabelOf(options, i), right + (fontSize * 2.6f), legendY, SKTextAlign.Left, font, ink);
            }
        }

        PngEncoding.Save(bitmap, path);
    }

    private static string LabelOf(LinePlotOptions options, int index) => options.Labels.Count > index ? options.Labels[index] : $"series {index}";

    private static (double X, double Y)[] ReadSeries(Tensor tensor, string node, int index)
    {
        if (tensor.dim() != 2 || tensor.shape[1] != 2)
        {
            throw new InvalidInputException($"output.line_plot '{node}': series {index} must be points [count, 2] of (x, y), got [{string.Join(", ", tensor.shape)}]; link a tensor of (x, y) rows.");
        }

        using var scope = NewDisposeScope();
        var values = tensor.detach().cpu().to_type(ScalarType.Float64).contiguous().data<double>().ToArray();
        return [.. Enumerable.Range(0, (int)tensor.shape[0]).Select(i => (values[2 * i], values[(2 * i) + 1]))];
    }
}
