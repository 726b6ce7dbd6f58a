using System.Diagnostics;
using System.Text.Json.Nodes;
using Diffusion.Contracts;
using Diffusion.Plugins.Tests.Toy2d;
using Xunit.Abstractions;

namespace Diffusion.Plugins.Tests.Mnist;

/// <summary>Validates the MNIST pipeline files against the engine and runs the shipped ones at (near) full size.</summary>
public sealed class MnistPipelineTests(ITestOutputHelper log) : IDisposable
{
    private readonly string output = Directory.CreateTempSubdirectory("mnist-pipeline").FullName;

    public void Dispose() => Directory.Delete(output, recursive: true);

    [Theory]
    [InlineData("mnist-digits.json")]
    [InlineData("mnist-eval.json")]
    [InlineData("mnist-train.json")]
    public void The_pipeline_files_pass_the_engines_validation(string name)
    {
        var registry = new Diffusion.Core.NodeTypeRegistry();
        foreach (var nodeType in HandWiredPipeline.LoadNodeTypes().Values)
        {
            registry.TryAdd(nodeType, "test", out _);
        }

        var read = Diffusion.Core.PipelineReader.ReadFile(Toy2dPipelineTests.PipelineFile(name));
        read.Issues.Should().BeEmpty();
        var result = new Diffusion.Core.PipelineValidator(registry).Validate(read.Pipeline!, read.Positions);

        result.Issues.Should().BeEmpty();
    }

    [Fact]
    public async Task The_digit_grid_draws_every_digit_from_the_shipped_model()
    {
        var clock = Stopwatch.StartNew();
        await new HandWiredPipeline(Toy2dPipelineTests.PipelineFile("mnist-digits.json"), output).RunAsync();

        log.WriteLine($"mnist-digits.json: {clock.Elapsed.TotalSeconds:F1} s");
        File.Exists(Path.Combine(output, "mnist-digits.png")).Should().BeTrue();
    }

    [Fact]
    public async Task Guided_ddim_samples_are_recognised_by_the_classifier()
    {
        // 50 samples with DDIM-10 keep this short; the shipped file uses 1000 and DDIM-50 (accuracy 1.000 measured).
        var overrides = new Dictionary<string, JsonNode?>
        {
            ["labels.count"] = 50,
            ["ddim_50.count"] = 50,
            ["ddim_50.steps"] = 10,
            ["eval.floor"] = false,
        };
        var results = await new HandWiredPipeline(Toy2dPipelineTests.PipelineFile("mnist-eval.json"), output, overrides).RunAsync();

        var metrics = (MetricSet)results["eval"].Values["metrics"];
        log.WriteLine(string.Join(", ", metrics.Values.Select(kv => $"{kv.Key}={kv.Value:F4}")));
        metrics.Values["accuracy"].Should().BeGreaterThan(0.9);
        metrics.Values["fd_mnist"].Should().BeGreaterThan(0);
    }
}
