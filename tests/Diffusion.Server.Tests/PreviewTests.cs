using System.Net;
using System.Text.Json.Nodes;
using Diffusion.Torch;
using Diffusion.Torch.Imaging;
using TorchSharp;

namespace Diffusion.Server.Tests;

/// <summary>Step previews: made only when asked, bounded per run, only the latest kept, streamed as preview events.</summary>
public sealed class PreviewTests
{
    private static JsonObject PreviewPipeline(int steps, int stepMs) => new()
    {
        ["version"] = 1,
        ["nodes"] = new JsonObject
        {
            ["draw"] = new JsonObject { ["type"] = "test.preview", ["params"] = new JsonObject { ["steps"] = steps, ["step_ms"] = stepMs } },
        },
    };

    [Fact]
    public async Task Previews_are_streamed_at_most_once_per_interval_and_the_latest_is_served()
    {
        await using var host = await ServerHost.StartAsync(null, false, "Server:PreviewInterval=00:00:00.100");
        var id = (string)(await host.SubmitAsync(new JsonObject { ["pipeline"] = PreviewPipeline(25, 20) }))["id"]!;
        var events = await ServerEventStream.ReadAsync(host.Client, id);
        events.Last().Kind.Should().Be("finished");
        (await host.Client.GetStringAsync($"/v1/runs/{id}/outputs/previews.txt")).Should().Be("previews every 00:00:00.1000000");

        var previews = events.Where(e => e.Kind == "preview").Select(e => JsonNode.Parse(e.Data)!).ToList();
        previews.Should().NotBeEmpty();
        previews.Count.Should().BeLessThan(25, "the node sends one with every step; the server keeps one per interval");
        var times = previews.Select(p => p["time"]!.GetValue<DateTimeOffset>()).ToList();
        times.Zip(times.Skip(1), (a, b) => b - a).Should().OnlyContain(gap => gap >= TimeSpan.FromMilliseconds(95));
        previews.Select(p => (long)p["version"]!).Should().Equal(Enumerable.Range(1, previews.Count).Select(i => (long)i));
        previews.Should().OnlyContain(p => (string)p["node"]! == "draw" && (string)p["url"]! == $"/v1/runs/{id}/preview?v={(long)p["version"]!}");

        // Only the latest is kept: the image served is the one of the last preview event (its pixels are its step).
        using var response = await host.Client.GetAsync((string)previews.Last()["url"]!);
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.Should().Be("image/png");
        response.Headers.ETag!.Tag.Should().Be($"\"{previews.Count}\"");
        var (width, height, channels, pixels) = PngReader.Read(await response.Content.ReadAsByteArrayAsync());
        (width, height, channels).Should().Be((3, 2, 1));
        pixels.Should().OnlyContain(p => p == (int)previews.Last()["step"]!);
    }

    [Fact]
    public async Task With_previews_off_nodes_are_not_asked_and_no_preview_is_stored()
    {
        await using var host = await ServerHost.StartAsync(null, false, "Server:PreviewInterval=00:00:00");
        var id = (string)(await host.SubmitAsync(new JsonObject { ["pipeline"] = PreviewPipeline(3, 1) }))["id"]!;
        var events = await ServerEventStream.ReadAsync(host.Client, id);
        events.Should().NotContain(e => e.Kind == "preview");
        (await host.Client.GetStringAsync($"/v1/runs/{id}/outputs/previews.txt")).Should().Be("no previews");
        using var preview = await host.Client.GetAsync($"/v1/runs/{id}/preview");
        preview.StatusCode.Should().Be(HttpStatusCode.NotFound);
        ((string)(await ServerHost.ProblemAsync(preview))["code"]!).Should().Be("preview_not_found");
        using var unknown = await host.Client.GetAsync("/v1/runs/0123456789abcdef0123456789abcdef/preview");
        ((string)(await ServerHost.ProblemAsync(unknown))["code"]!).Should().Be("run_not_found");
    }

    [Theory]
    [InlineData("00:00:00.500", true)]
    [InlineData("00:00:00", false)]
    public async Task The_sample_node_previews_its_x0_prediction_only_when_the_server_asks(string interval, bool expected)
    {
        await using var host = await ServerHost.StartAsync(null, true, $"Server:PreviewInterval={interval}");
        var pipeline = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(ServerHost.RepositoryRoot, "pipelines", "mnist-digits.json")))!.AsObject();
        // The grid is left out in this process (SkiaSharp, see RunLifecycleTests); the sampling is what is looked at.
        pipeline["nodes"]!.AsObject().Remove("grid");
        var id = (string)(await host.SubmitAsync(new JsonObject
        {
            ["pipeline"] = pipeline,
            ["set"] = new JsonArray("sample.params.steps=3", "sample.params.count=10", "digits.params.rows=1"),
        }))["id"]!;
        var events = await ServerEventStream.ReadAsync(host.Client, id);
        events.Last().Kind.Should().Be("finished", events.Last().Data);
        var previews = events.Where(e => e.Kind == "preview").ToList();
        if (!expected)
        {
            previews.Should().BeEmpty();
            return;
        }

        // The first step is always previewed: the first 4 of the 10 digits side by side, grey, 28 pixels each.
        ((string)JsonNode.Parse(previews[0].Data)!["node"]!).Should().Be("sample");
        var (width, height, channels, pixels) = PngReader.Read(await host.Client.GetByteArrayAsync($"/v1/runs/{id}/preview"));
        (width, height, channels).Should().Be((4 * 28, 28, 1));
        pixels.Distinct().Count().Should().BeGreaterThan(2, "the x0 prediction of noise is not a flat image");
    }

    [Fact]
    public void The_png_encoder_writes_a_file_an_independent_reader_decodes_to_the_same_pixels()
    {
        var rgb = Enumerable.Range(0, 5 * 3 * 3).Select(i => (byte)(i * 7)).ToArray();
        var png = PngEncoder.Encode(rgb, 5, 3, 3);
        var (width, height, channels, pixels) = PngReader.Read(png);
        (width, height, channels).Should().Be((5, 3, 3));
        pixels.Should().Equal(rgb);
        PngEncoder.ReadSize(png).Should().Be((5, 3));
        FluentActions.Invoking(() => PngEncoder.Encode(rgb, 5, 3, 2)).Should().Throw<ArgumentException>().WithMessage("*1 (grey), 3 (RGB) or 4 (RGBA)*");
    }

    [Fact]
    public void A_latent_preview_projects_the_four_channels_to_rgb_with_the_sd15_factors()
    {
        TorchRuntime.EnsureInitialized();
        // One pixel per channel pattern: latent (1, 0, 0, 0) is the first row of the factors, (0, 0, 0, 1) the last.
        using var latent = torch.zeros(2, 4, 1, 1);
        latent[0, 0, 0, 0] = torch.tensor(1f);
        latent[1, 3, 0, 0] = torch.tensor(1f);
        var (width, height, channels, pixels) = PngReader.Read(SamplePreview.ToPng(latent)!);
        (width, height, channels).Should().Be((2, 1, 3));
        // (v + 1) · 127.5, rounded: ComfyUI's SD15 factors 0.3512, 0.2297, 0.3227 and −0.2120, −0.2616, −0.7177.
        pixels.Should().Equal(172, 157, 169, 100, 94, 36);

        using var grey = torch.full(new long[] { 3, 1, 28, 28 }, -1f);
        var strip = PngReader.Read(SamplePreview.ToPng(grey)!);
        (strip.Width, strip.Height, strip.Channels).Should().Be((84, 28, 1));
        strip.Pixels.Should().OnlyContain(p => p == 0);
        using var points = torch.zeros(64, 2);
        SamplePreview.ToPng(points).Should().BeNull("points are not images");
    }
}
