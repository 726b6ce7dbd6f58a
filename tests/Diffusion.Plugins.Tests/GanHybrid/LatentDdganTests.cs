using System.Text.Json.Nodes;
using Diffusion.Contracts;
using Diffusion.Plugins.Tests.Infrastructure;
using static TorchSharp.torch;

namespace Diffusion.Plugins.Tests.GanHybrid;

/// <summary>
/// A DDGAN trains and samples in the latent space of the shipped MNIST autoencoder, wired as
/// pipelines/fewstep-mnist-latent-ddgan.json wires it (dataset.encode → train.ddgan on [4, 7, 7] → sampler.ddgan → decode),
/// with tiny networks and two steps: the path, not the quality (docs/fewstep.md has the measured rows).
/// </summary>
public sealed class LatentDdganTests : IDisposable
{
    private readonly ShippedPipelineRunner pipelines = new();

    public void Dispose() => pipelines.Dispose();

    [Fact]
    public async Task A_generator_of_the_autoencoders_latents_trains_and_its_samples_decode_to_digits_sized_images()
    {
        var document = new JsonObject
        {
            ["version"] = 1,
            ["nodes"] = new JsonObject
            {
                ["data"] = ShippedPipelineRunner.Node("dataset.mnist", new { path = "../data/mnist" }),
                ["vae"] = ShippedPipelineRunner.Node("encoder.autoencoder_kl", new { model = "models/mnist-text" }),
                ["latents"] = ShippedPipelineRunner.Node("dataset.encode", new { sample = true }, new { data = "data", encoder = "vae.encoder" }),
                ["chain"] = ShippedPipelineRunner.Node("scheduler.ddgan", new { steps = 2 }),
                ["gen"] = ShippedPipelineRunner.Node("denoiser.ddgan", new { sample_shape = new[] { 4, 7, 7 }, channels = 4, channel_mult = new[] { 1, 1, 1 }, latent_dim = 4, embedding_dim = 8, num_classes = 10 }),
                ["train"] = ShippedPipelineRunner.Node("train.ddgan", new { steps = 2, batch = 4, disc_channels = 4, disc_embedding_dim = 8 }, new { data = "latents.data", generator = "gen", scheduler = "chain" }),
                ["labels"] = ShippedPipelineRunner.Node("condition.labels", new { count = 3, classes = 10 }),
                ["ddgan"] = ShippedPipelineRunner.Node("sampler.ddgan", new { }),
                ["sample"] = ShippedPipelineRunner.Node("sample", new { steps = 2, count = 3, seed = 1 }, new { sampler = "ddgan", denoiser = "train.denoiser", scheduler = "train.scheduler", conditioning = "labels.conditioning" }),
                ["decode"] = ShippedPipelineRunner.Node("decode", new { }, new { encoder = "vae.encoder", latents = "sample.samples" }),
            },
        };

        var result = await pipelines.RunDocumentAsync("latent-ddgan.json", document.ToJsonString());

        result.Output<Tensor>("sample", "samples").shape.Should().Equal(3, 4, 7, 7);
        var images = result.Output<Tensor>("decode", "images");
        images.shape.Should().Equal(3, 1, 28, 28);
        images.isfinite().all().item<bool>().Should().BeTrue();
        result.Output<MetricSet>("train", "metrics").Values["steps"].Should().Be(2);
    }
}
