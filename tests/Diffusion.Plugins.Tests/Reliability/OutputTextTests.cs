using System.Text.Json.Nodes;
using Diffusion.Contracts;
using Diffusion.Plugins.Images;
using Diffusion.Plugins.Tests.Infrastructure;
using static TorchSharp.torch;

namespace Diffusion.Plugins.Tests.Reliability;

/// <summary>Text that output nodes write is escaped for its format: a title or label cannot add lines, rows, HTML or formulas.</summary>
public sealed class OutputTextTests
{
    private static readonly MetricSet[] Sets =
    [
        new("ok | <script>alert(1)</script>\nrm -rf /", new Dictionary<string, double> { ["swd\n| x |"] = 1.5 }),
        new("=HYPERLINK(\"http://x\")", new Dictionary<string, double> { ["+cmd"] = 2 }),
        new("-5", new Dictionary<string, double> { ["swd\n| x |"] = 3 }),
    ];

    [Fact]
    public void A_markdown_title_and_labels_stay_on_their_lines_without_html()
    {
        var markdown = MetricsTable.ToMarkdown(Sets, "Results\n#!/bin/sh\nrm -rf ~");
        var lines = markdown.Split('\n', StringSplitOptions.RemoveEmptyEntries);

        lines.Should().HaveCount(3 + Sets.Length, "a heading, the header row, the separator and one row per set; nothing else");
        lines[0].Should().StartWith("# Results ").And.Contain("\\#\\!/bin/sh");
        markdown.Should().NotContain("<script>").And.Contain("\\<script\\>");
        lines.Skip(1).Should().OnlyContain(l => l.StartsWith('|') && l.EndsWith('|'));
        lines.Skip(1).Select(l => l.Replace("\\|", "", StringComparison.Ordinal).Count(c => c == '|')).Distinct().Should().ContainSingle("every row has the same columns");
    }

    [Fact]
    public void Csv_fields_are_quoted_and_formulas_neutralised()
    {
        var rows = MetricsTable.ToCsv(Sets).Split('\n', StringSplitOptions.RemoveEmptyEntries);

        rows.Should().HaveCount(4);
        rows[2].Should().StartWith("\"'=HYPERLINK(\"\"http://x\"\")\"");
        rows[0].Should().Contain("'+cmd");
        rows[3].Should().StartWith("-5,", "a negative number is not a formula");
    }

    [Fact]
    public void A_png_prefix_cannot_leave_its_folder()
    {
        var issues = new PngFilesNode().Validate(new NodeValidationContext("png", new JsonObject { ["prefix"] = "../../evil" }, "/tmp")).ToList();

        issues.Should().ContainSingle().Which.Pointer.Should().Be("/nodes/png/params/prefix");
    }

    [Fact]
    public async Task An_empty_image_batch_is_invalid_input_not_an_internal_error()
    {
        using var context = new TestNodeContext("grid").WithInput("images", zeros(0, 1, 4, 4));

        var run = () => new ImageGridNode().ExecuteAsync(context);

        (await run.Should().ThrowAsync<InvalidInputException>()).Which.Message.Should().Contain("no images");
    }
}
