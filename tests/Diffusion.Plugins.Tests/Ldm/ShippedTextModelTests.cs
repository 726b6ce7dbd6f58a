using System.Text.Json.Nodes;
using Diffusion.Contracts;
using Diffusion.Plugins.Tests.Infrastructure;

namespace Diffusion.Plugins.Tests.Ldm;

/// <summary>
/// The shipped text-to-digit latent model (pipelines/models/mnist-text, trained by pipelines/mnist-text-train.json) draws
/// what it is asked for: with guidance 3 the classifier reads the prompted digit and the measured stroke property matches
/// the prompted one far above chance (a third: the words name the lower or upper tertile of each digit's training images).
/// A small version of pipelines/mnist-text-eval.json (docs/ldm.md has the full table).
/// </summary>
public sealed class ShippedTextModelTests(Xunit.Abstractions.ITestOutputHelper log) : IDisposable
{
    private readonly ShippedPipelineRunner pipelines = new();

    public void Dispose() => pipelines.Dispose();

    [Fact]
    public async Task Prompted_digits_and_stroke_properties_are_drawn_with_guidance()
    {
        string[] words = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"];
        // Numerals and words, thickness and slant both ways: 20 prompts, one image each.
        var prompts = Enumerable.Range(0, 10).SelectMany(d => new[] { $"a thick {words[d]}", $"a {d} slanted to the right" })
            .Concat(Enumerable.Range(0, 10).SelectMany(d => new[] { $"a thin {d}", $"a {words[d]} slanted to the left" }))
            .ToArray();
        var document = new JsonObject
        {
            ["version"] = 1,
            ["nodes"] = new JsonObject
            {
                ["model"] = ShippedPipelineRunner.Node("model.diffusers", new { model = "models/mnist-text" }),
                ["prompts"] = ShippedPipelineRunner.Node("condition", new { prompts, count = prompts.Length }, new { conditioner = "model.conditioner" }),
                ["sample"] = ShippedPipelineRunner.Node("sample", new { steps = 20, count = prompts.Length, seed = 3, guidance_scale = 3.0 },
                    new { sampler = "model.sampler", denoiser = "model.denoiser", scheduler = "model.scheduler", conditioning = "prompts.conditioning", unconditional = "prompts.unconditional" }),
                ["decode"] = ShippedPipelineRunner.Node("decode", new { }, new { encoder = "model.encoder", latents = "sample.samples" }),
                ["eval"] = ShippedPipelineRunner.Node("eval.mnist_prompts", new { prompts, count = prompts.Length, classifier = "models/mnist-classifier.safetensors", data = "../data/mnist" },
                    new { samples = "decode.images" }),
            },
        };

        var result = await pipelines.RunDocumentAsync("mnist-text-check.json", document.ToJsonString());
        var metrics = result.Output<MetricSet>("eval", "metrics").Values;

        log.WriteLine(string.Join(", ", metrics.Select(m => $"{m.Key} {m.Value:G3}")));
        metrics["digit_accuracy"].Should().BeGreaterThanOrEqualTo(0.9);
        metrics["thickness_match"].Should().BeGreaterThanOrEqualTo(0.7, "chance is about a third");
        metrics["slant_match"].Should().BeGreaterThanOrEqualTo(0.7, "chance is about a third");
    }
}
