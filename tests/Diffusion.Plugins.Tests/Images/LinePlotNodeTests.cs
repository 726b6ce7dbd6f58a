using System.Text.Json.Nodes;
using Diffusion.Contracts;
using Diffusion.Plugins.Images;
using Diffusion.Plugins.Tests.Infrastructure;
using SkiaSharp;
using static TorchSharp.torch;

namespace Diffusion.Plugins.Tests.Images;

public sealed class LinePlotNodeTests
{
    private static Tensor Series(params (double X, double Y)[] points) =>
        tensor(points.SelectMany(p => new[] { p.X, p.Y }).ToArray()).view(-1, 2);

    [Fact]
    public async Task Line_plot_draws_each_series_in_its_colour_on_log_axes_and_skips_missing_points()
    {
        using var context = new TestNodeContext("plot", new JsonObject
        {
            ["path"] = "bench/time.png", ["title"] = "time", ["x_label"] = "tokens", ["y_label"] = "ms",
            ["labels"] = new JsonArray("dense", "sparse"), ["log_x"] = true, ["log_y"] = true, ["width"] = 600, ["height"] = 400,
        })
        .WithInput("series", new[]
        {
            Series((1024, 15), (4096, 270), (16384, 4300)),
            Series((1024, 5), (4096, double.NaN), (16384, 80), (65536, 330)),
        });

        var path = (string)(await new LinePlotNode().ExecuteAsync(context)).Values["file"];

        path.Should().Be(Path.Combine(context.Run.OutputDirectory, "bench", "time.png"));
        using var bitmap = SKBitmap.Decode(path);
        bitmap.Width.Should().Be(600);
        bitmap.Height.Should().Be(400);
        bitmap.Pixels.Should().Contain(p => p.Red == 31 && p.Green == 119 && p.Blue == 180, "series 0 is drawn in blue");
        bitmap.Pixels.Should().Contain(p => p.Red == 255 && p.Green == 127 && p.Blue == 14, "series 1 is drawn in orange");
    }

    [Fact]
    public void Line_plot_reports_a_label_count_that_does_not_match_the_linked_series_at_validation()
    {
        var nodeType = new LinePlotNode();
        var parameters = OptionsSchema.WithDefaults(nodeType.Descriptor.Params, new JsonObject { ["labels"] = new JsonArray("a", "b", "c") });
        var links = new Dictionary<string, IReadOnlyList<LinkedOutput>>
        {
            ["series"] = [new LinkedOutput("a", "bench.points", "points", new HashSet<string>()), new LinkedOutput("b", "bench.points", "points", new HashSet<string>())],
        };

        var issue = nodeType.Validate(new NodeValidationContext("plot", parameters, ".") { Links = links }).Should().ContainSingle().Subject;

        issue.Pointer.Should().Be("/nodes/plot/params/labels");
        issue.Message.Should().Contain("3 labels for 2 linked series");
        nodeType.Descriptor.Params.Single(p => p.Name == "path").Path.Should().Be(PathKind.OutputFile);
    }

    [Fact]
    public async Task Line_plot_refuses_a_label_count_that_does_not_match_the_series()
    {
        using var context = new TestNodeContext("plot", new JsonObject { ["labels"] = new JsonArray("a", "b") })
            .WithInput("series", new[] { Series((1, 1), (2, 2)) });

        await FluentActions.Awaiting(() => new LinePlotNode().ExecuteAsync(context))
            .Should().ThrowAsync<InvalidInputException>().WithMessage("*2 labels for 1 series*");
    }
}
