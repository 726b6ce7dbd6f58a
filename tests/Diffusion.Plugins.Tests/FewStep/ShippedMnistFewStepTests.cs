using System.Text.Json.Nodes;
using Diffusion.Contracts;
using Diffusion.Plugins.Tests.Infrastructure;

namespace Diffusion.Plugins.Tests.FewStep;

/// <summary>
/// pipelines/mnist-fast.json, the shipped 4-step progressive student of the MNIST model (pipelines/models/mnist-fast-4),
/// draws its 10 × 4 digit grid in 4 network calls and the classifier reads the digits it was asked for. Its FD-MNIST
/// against DDIM-4 (N = 500) is measured by pipelines/fewstep-mnist-*.json and reported in docs/fewstep.md.
/// </summary>
public sealed class ShippedMnistStudentTests(Xunit.Abstractions.ITestOutputHelper log) : IDisposable
{
    private readonly ShippedPipelineRunner pipelines = new();

    public void Dispose() => pipelines.Dispose();

    [Fact]
    public async Task The_fast_digit_grid_takes_four_network_calls_and_draws_the_asked_digits()
    {
        var document = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(ShippedPipelineRunner.PipelinesFolder, "mnist-fast.json")))!.AsObject();
        var nodes = document["nodes"]!.AsObject();
        var models = Path.Combine(ShippedPipelineRunner.PipelinesFolder, "models");
        // The document runs from the test's folder: its model path becomes absolute, and an evaluation is added.
        nodes["net"]!["params"]!["pretrained"] = Path.Combine(models, "mnist-fast-4.safetensors");
        nodes["grid"]!["params"]!["path"] = "mnist-fast.png";
        nodes["eval"] = new JsonObject
        {
            ["type"] = "eval.mnist",
            ["inputs"] = new JsonObject { ["samples"] = "sample.samples", ["labels"] = "digits.labels" },
            ["params"] = new JsonObject
            {
                ["classifier"] = Path.Combine(models, "mnist-classifier.safetensors"),
                ["data"] = Path.GetFullPath(Path.Combine(ShippedPipelineRunner.PipelinesFolder, "..", "data", "mnist")),
                ["floor"] = false,
            },
        };

        var result = await pipelines.RunDocumentAsync("mnist-fast-check.json", document.ToJsonString());
        var sampling = result.Output<MetricSet>("sample", "metrics").Values;
        var eval = result.Output<MetricSet>("eval", "metrics").Values;

        log.WriteLine($"network calls {sampling["nfe"]}, accuracy {eval["accuracy"]:G3} on {eval["count"]} digits");
        sampling["nfe"].Should().Be(4);
        eval["count"].Should().Be(40);
        eval["accuracy"].Should().BeGreaterThanOrEqualTo(0.9);
        File.Exists(Path.Combine(pipelines.Output, "mnist-fast.png")).Should().BeTrue();
    }
}
