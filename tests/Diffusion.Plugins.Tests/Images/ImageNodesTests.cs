using System.Text.Json.Nodes;
using Diffusion.Contracts;
using Diffusion.Plugins.Images;
using Diffusion.Plugins.Tests.Infrastructure;
using FluentAssertions;
using SkiaSharp;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Diffusion.Plugins.Tests.Images;

public sealed class ImageNodesTests
{
    [Fact]
    public async Task Scatter_png_decodes_at_the_requested_size_with_sample_and_reference_colours()
    {
        using var context = new TestNodeContext("plot", new JsonObject { ["path"] = "plots/moons.png", ["size"] = 200, ["title"] = "moons", ["range"] = new JsonArray(-2, 2) })
            .WithInput("points", tensor(new[,] { { 0.5f, 0.5f }, { -1f, 1f } }))
            .WithInput("reference", tensor(new[,] { { -0.5f, -0.5f } }));

        var outputs = await new ScatterPngNode().ExecuteAsync(context);

        var path = (string)outputs.Values["file"];
        path.Should().Be(Path.Combine(context.Run.OutputDirectory, "plots", "moons.png"));
        using var bitmap = SKBitmap.Decode(path);
        bitmap.Should().NotBeNull();
        bitmap.Width.Should().Be(200);
        bitmap.Height.Should().Be(200);
        var pixels = bitmap.Pixels;
        pixels.Should().Contain(p => p.Blue > 150 && p.Red < 120, "the samples are drawn in blue");
        pixels.Should().Contain(p => p.Red == p.Green && p.Green == p.Blue && p.Red > 100 && p.Red < 240, "the reference is drawn in grey");
        Directory.GetFiles(Path.GetDirectoryName(path)!).Should().ContainSingle("no temporary file is left behind");
    }

    [Fact]
    public async Task Image_grid_tiles_upscaled_images_with_one_row_per_label()
    {
        // Six 1-channel 4×4 images: value −1 (black) for even indices, +1 (white) for odd ones.
        var images = stack(Enumerable.Range(0, 6).Select(i => full(1, 4, 4, i % 2 == 0 ? -1f : 1f)).ToArray(), 0);
        var labels = tensor(new long[] { 0, 1, 0, 1, 0, 2 });
        using var context = new TestNodeContext("grid", new JsonObject { ["rows_by_label"] = true, ["scale"] = 3, ["padding"] = 1 })
            .WithInput("images", images)
            .WithInput("labels", labels);

        var outputs = await new ImageGridNode().ExecuteAsync(context);

        using var bitmap = SKBitmap.Decode((string)outputs.Values["file"]);
        var cell = 4 * 3;
        var caption = Math.Max(12, cell / 5);
        bitmap.Width.Should().Be((3 * (cell + 1)) + 1, "label 0 has three images, the widest row");
        bitmap.Height.Should().Be((3 * (cell + caption + 1)) + 1, "three distinct labels");
        bitmap.GetPixel(1 + 5, 1 + 5).Should().Be(SKColors.Black, "image 0 (label 0, column 0) is black");
        var secondRow = 1 + cell + caption + 1;
        bitmap.GetPixel(1 + 5, secondRow + 5).Should().Be(SKColors.White, "image 1 (label 1) starts the second row");
    }

    [Fact]
    public async Task Image_grid_captions_each_cell_with_its_prompt_repeated_in_place()
    {
        // Four white 4×4 images, two prompts: cells 0-1 carry the first prompt, cells 2-3 the second (as `condition` repeats them).
        var images = full(4, 1, 4, 4, 1f);
        using var context = new TestNodeContext("grid", new JsonObject { ["columns"] = 4, ["scale"] = 16, ["padding"] = 0, ["captions"] = new JsonArray("a thick seven", "i") })
            .WithInput("images", images);

        var outputs = await new ImageGridNode().ExecuteAsync(context);

        using var bitmap = SKBitmap.Decode((string)outputs.Values["file"]);
        var cell = 4 * 16;
        var caption = Math.Max(12, cell / 5);
        bitmap.Height.Should().Be(cell + caption, "one row of cells with a caption band under it");
        int Ink(int column) => Enumerable.Range(column * cell, cell)
            .SelectMany(x => Enumerable.Range(cell, caption).Select(y => bitmap.GetPixel(x, y)))
            .Count(p => p.Red < 128);
        Ink(0).Should().BeGreaterThan(0, "the first prompt is written under cell 0");
        Ink(1).Should().Be(Ink(0), "cell 1 repeats the first prompt");
        Ink(2).Should().Be(Ink(3), "cells 2 and 3 carry the second prompt");
        Ink(2).Should().BeLessThan(Ink(0), "'i' has less ink than 'a thick seven'");
    }

    [Fact]
    public async Task Image_grid_refuses_captions_that_do_not_divide_the_images()
    {
        using var context = new TestNodeContext("grid", new JsonObject { ["captions"] = new JsonArray("a", "b", "c") })
            .WithInput("images", full(4, 1, 4, 4, 1f));

        var act = () => new ImageGridNode().ExecuteAsync(context);

        (await act.Should().ThrowAsync<InvalidInputException>()).WithMessage("*3 captions for 4 images*divides the image count*");
    }

    [Fact]
    public async Task Output_png_writes_one_decodable_file_per_image_named_by_index_and_label()
    {
        var images = rand(3, 3, 5, 7) * 2 - 1;
        using var context = new TestNodeContext("pngs", new JsonObject { ["path"] = "out", ["prefix"] = "x_" })
            .WithInput("images", images)
            .WithInput("labels", tensor(new long[] { 4, 5, 6 }));

        var outputs = await new PngFilesNode().ExecuteAsync(context);

        var folder = (string)outputs.Values["file"];
        Directory.GetFiles(folder).Select(Path.GetFileName).Should().BeEquivalentTo("x_0000_label4.png", "x_0001_label5.png", "x_0002_label6.png");
        using var decoded = SKBitmap.Decode(Path.Combine(folder, "x_0001_label5.png"));
        decoded.Width.Should().Be(7);
        decoded.Height.Should().Be(5);

        // (v + 1) · 127.5 rounded: check one pixel's red channel against the tensor.
        var expectedRed = (int)Math.Round(((images[1, 0, 2, 3].item<float>() + 1) * 127.5));
        ((int)decoded.GetPixel(3, 2).Red).Should().BeCloseTo(expectedRed, 1);
    }

    [Fact]
    public async Task Metrics_table_has_a_row_per_label_and_a_column_per_metric_in_markdown_and_csv()
    {
        var sets = new[]
        {
            new MetricSet("ddpm-1000", new Dictionary<string, double> { ["swd"] = 0.0312, ["mmd"] = 0.0001 }),
            new MetricSet("ddim-50", new Dictionary<string, double> { ["swd"] = 0.05, ["nfe"] = 50 }),
        };
        using var markdown = new TestNodeContext("table", new JsonObject { ["title"] = "Samplers" }).WithInput("metrics", sets);
        using var csv = new TestNodeContext("table", new JsonObject { ["path"] = "m.csv" }).WithInput("metrics", sets);

        var md = File.ReadAllText((string)(await new MetricsTableNode().ExecuteAsync(markdown)).Values["file"]);
        var text = File.ReadAllLines((string)(await new MetricsTableNode().ExecuteAsync(csv)).Values["file"]);

        md.Should().StartWith("# Samplers");
        md.Should().Contain("| label | swd | mmd | nfe |");
        md.Should().Contain("| ddpm-1000 | 0.0312 | 0.0001 |  |");
        md.Should().Contain("| ddim-50 | 0.05 |  | 50 |");
        text.Should().Equal("label,swd,mmd,nfe", "ddpm-1000,0.0312,0.0001,", "ddim-50,0.05,,50");
        markdown.LogLines.Should().Contain(l => l.Contains("ddim-50", StringComparison.Ordinal));
    }

    [Fact]
    public void Output_nodes_declare_side_effects()
    {
        INodeType[] nodes = [new ScatterPngNode(), new ImageGridNode(), new PngFilesNode(), new MetricsTableNode()];
        nodes.Should().OnlyContain(n => n.Descriptor.HasSideEffects);
        new MetricsTableNode().Descriptor.Inputs.Single().Variadic.Should().BeTrue();
    }
}
