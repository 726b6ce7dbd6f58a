using System.Text.Json.Nodes;
using Diffusion.Contracts;
using FluentAssertions;
using SkiaSharp;
using Xunit;
using Xunit.Abstractions;

namespace Diffusion.Plugins.Tests.Toy2d;

/// <summary>Runs the shipped toy pipelines by hand-wiring their nodes (see <see cref="HandWiredPipeline"/>).</summary>
public sealed class Toy2dPipelineTests : IDisposable
{
    private readonly string output = Directory.CreateTempSubdirectory("toy2d-pipeline").FullName;

    public void Dispose() => Directory.Delete(output, recursive: true);

    [Fact]
    public async Task The_quick_demo_samples_the_shipped_checkpoint_within_twice_the_noise_floor()
    {
        var pipeline = new HandWiredPipeline(PipelineFile("toy2d-sample.json"), output);

        var results = await pipeline.RunAsync();

        var metrics = (MetricSet)results["eval"].Values["metrics"];
        metrics.Label.Should().Be("ddim-50");
        metrics.Values["swd"].Should().BeLessThan(2 * metrics.Values["swd_floor"]);
        metrics.Values["mmd"].Should().BeLessThan(0.005);
        File.ReadAllText(Path.Combine(output, "toy2d-sample-metrics.md")).Should().Contain("| ddim-50 |");
        using var plot = SKBitmap.Decode(Path.Combine(output, "toy2d-sample.png"));
        plot.Width.Should().Be(512);
    }

    [Fact]
    public async Task The_training_comparison_runs_end_to_end_at_test_size()
    {
        // The file's sizes take minutes; these overrides keep the wiring honest in a few seconds.
        var overrides = new Dictionary<string, JsonNode?>
        {
            ["train.steps"] = 150,
            ["train.batch"] = 128,
            ["train.checkpoint_path"] = "ck.safetensors",
        };
        foreach (var sampleNode in new[] { "ddpm_1000", "ddim_100", "ddim_50", "ddim_20", "ddim_10" })
        {
            overrides[$"{sampleNode}.count"] = 200;
        }

        overrides["ddpm_1000.steps"] = 100;
        overrides["truth.count"] = 200;
        var pipeline = new HandWiredPipeline(PipelineFile("toy2d-ddpm-ddim.json"), output, overrides);

        var results = await pipeline.RunAsync();

        var table = File.ReadAllText(Path.Combine(output, "toy2d-metrics.md"));
        foreach (var label in new[] { "train", "ddpm-1000", "ddim-100", "ddim-50", "ddim-20", "ddim-10" })
        {
            table.Should().Contain($"| {label} |");
        }

        var ddim50 = (MetricSet)results["eval_ddim_50"].Values["metrics"];
        ddim50.Values["swd"].Should().BeGreaterThan(0).And.BeLessThan(1.0, "even a briefly trained model lands near the moons");
        File.Exists(Path.Combine(output, "toy2d-ddpm-1000.png")).Should().BeTrue();
        File.Exists(Path.Combine(output, "toy2d-ddim-50.png")).Should().BeTrue();
        Diffusion.Torch.SafeTensors.ReadHeader(Path.Combine(output, "ck.safetensors")).Metadata["step"].Should().Be("150");
    }

    [Theory]
    [InlineData("toy2d-ddpm-ddim.json")]
    [InlineData("toy2d-sample.json")]
    public void The_pipeline_files_pass_the_engines_validation(string name)
    {
        var registry = new Diffusion.Core.NodeTypeRegistry();
        foreach (var nodeType in HandWiredPipeline.LoadNodeTypes().Values)
        {
            registry.TryAdd(nodeType, "test", out _);
        }

        var read = Diffusion.Core.PipelineReader.ReadFile(PipelineFile(name));
        read.Issues.Should().BeEmpty();
        var result = new Diffusion.Core.PipelineValidator(registry).Validate(read.Pipeline!, read.Positions);

        result.Issues.Should().BeEmpty();
    }

    internal static string PipelineFile(string name)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "pipelines", name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException($"pipelines/{name} not found above {AppContext.BaseDirectory}.");
    }
}
