using System.Text.Json.Nodes;
using Diffusion.Contracts;
using Diffusion.Plugins.Tests.Infrastructure;

namespace Diffusion.Plugins.Tests.FewStep;

/// <summary>
/// The shipped few-step MNIST models draw their 10 × 4 digit grids in 4 network calls and the classifier reads the digits
/// they were asked for: pipelines/mnist-fast.json with the 4-step progressive student of the MNIST model
/// (pipelines/models/mnist-fast-4), and pipelines/mnist-fast-ddgan.json with the latent DDGAN (T = 4) on the text model's
/// autoencoder (pipelines/models/mnist-latent-ddgan-4). Their FD-MNIST against DDIM-4 (N = 500) is measured by
/// pipelines/fewstep-mnist-*.json and reported in docs/fewstep.md.
/// </summary>
public sealed class ShippedMnistFewStepTests(Xunit.Abstractions.ITestOutputHelper log) : IDisposable
{
    private readonly ShippedPipelineRunner pipelines = new();

    public void Dispose() => pipelines.Dispose();

    [Theory]
    [InlineData("mnist-fast.json", "sample.samples")]
    [InlineData("mnist-fast-ddgan.json", "decode.images")]
    public async Task The_fast_digit_grid_takes_four_network_calls_and_draws_the_asked_digits(string pipeline, string images)
    {
        var document = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(ShippedPipelineRunner.PipelinesFolder, pipeline)))!.AsObject();
        var nodes = document["nodes"]!.AsObject();
        // An evaluation is added; the document runs as if beside the shipped pipelines, so its paths stay as written.
        var png = Path.GetFileName(nodes["grid"]!["params"]!["path"]!.GetValue<string>());
        nodes["eval"] = new JsonObject
        {
            ["type"] = "eval.mnist",
            ["inputs"] = new JsonObject { ["samples"] = images, ["labels"] = "digits.labels" },
            ["params"] = new JsonObject
            {
                ["classifier"] = "models/mnist-classifier.safetensors",
                ["data"] = "../data/mnist",
                ["floor"] = false,
            },
        };

        var result = await pipelines.RunDocumentAsync($"check-{pipeline}", document.ToJsonString());
        var sampling = result.Output<MetricSet>("sample", "metrics").Values;
        var eval = result.Output<MetricSet>("eval", "metrics").Values;

        log.WriteLine($"{pipeline}: network calls {sampling["nfe"]}, accuracy {eval["accuracy"]:G3} on {eval["count"]} digits");
        sampling["nfe"].Should().Be(4);
        eval["count"].Should().Be(40);
        eval["accuracy"].Should().BeGreaterThanOrEqualTo(0.9);
        File.Exists(Path.Combine(pipelines.Output, png)).Should().BeTrue();
    }
}
