using Diffusion.Contracts;
using Diffusion.Core;
using Diffusion.Plugins.Tests.Infrastructure;
using static TorchSharp.torch;

namespace Diffusion.Plugins.Tests.Ldm;

/// <summary>
/// The shipped Stable Diffusion pipelines, run by the engine with the built plugin folders (loaded as the CLI loads
/// them, ONNX Runtime shared from this host): the TorchSharp twin over pipelines/models/sd-tiny and the ONNX one over
/// pipelines/models/onnx-sd-tiny (a copy of the onnx_sd_tiny fixture) hold the same weights, so their images must agree.
/// </summary>
public sealed class StableDiffusionPipelineTests : IDisposable
{
    private readonly ShippedPipelineRunner pipelines = new();
    private readonly Xunit.Abstractions.ITestOutputHelper log;

    public StableDiffusionPipelineTests(Xunit.Abstractions.ITestOutputHelper log) => this.log = log;

    public void Dispose() => pipelines.Dispose();

    [Fact]
    public void The_shipped_onnx_folder_is_the_reference_fixture()
    {
        var fixture = Fixtures.RepositoryPath("onnx_sd_tiny");
        var shipped = Path.Combine(ShippedPipelineRunner.PipelinesFolder, "models", "onnx-sd-tiny");
        var files = Directory.GetFiles(fixture, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(fixture, f)).Order(StringComparer.Ordinal).ToList();

        Directory.GetFiles(shipped, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(shipped, f)).Order(StringComparer.Ordinal).Should().Equal(files);
        foreach (var file in files)
        {
            File.ReadAllBytes(Path.Combine(shipped, file)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(fixture, file))).Should().BeTrue(file);
        }
    }

    [Fact]
    public async Task The_torchsharp_and_onnx_pipelines_draw_the_same_images_for_the_same_seeds()
    {
        using var torchImages = await RunAsync("sd-txt2img.json");
        using var onnxImages = await RunAsync("sd-onnx-txt2img.json");

        torchImages.shape.Should().Equal(2, 3, 32, 32);
        onnxImages.shape.Should().Equal(torchImages.shape);
        double error = (onnxImages - torchImages).norm().item<float>() / torchImages.norm().item<float>();
        log.WriteLine($"TorchSharp vs ONNX Runtime, 2 images 3x32x32, PNDM-20, guidance 7.5: relative L2 error {error:E2}, max abs difference {(onnxImages - torchImages).abs().max().item<float>():E2}");
        error.Should().BeLessThan(1e-3);
        ((torchImages[0] - torchImages[1]).abs().max().item<float>()).Should().BeGreaterThan(0.01f, "two prompts and two seeds give two images");
        Directory.GetFiles(Path.Combine(pipelines.Output, "sd-onnx-txt2img"), "*.png").Should().HaveCount(2);
    }

    [Fact]
    public async Task Each_image_of_a_batch_equals_a_single_image_run_with_its_seed()
    {
        using var batch = await RunAsync("sd-txt2img.json");
        using var second = await RunAsync("sd-txt2img.json",
            "prompts.params.prompts=[\"a watercolor painting of a lighthouse at dusk\"]", "prompts.params.count=1", "seeds.params.seeds=[1]", "sample.params.count=1");

        ((second[0] - batch[1]).abs().max().item<float>()).Should().BeLessThan(1e-4f);
    }

    [Fact]
    public async Task Image_to_image_starts_from_the_encoded_picture_at_the_given_strength()
    {
        var light = await RunResultAsync("sd-img2img.json", "sample.params.strength=0.1");
        var strong = await RunResultAsync("sd-img2img.json", "sample.params.strength=1.0");
        var source = light.Output<Tensor>("source", "latents");

        light.Output<Tensor>("decode", "images").shape.Should().Equal(2, 3, 32, 32);
        source.shape.Should().Equal(1, 4, 16, 16);
        double Distance(PipelineRunResult run) => (run.Output<Tensor>("sample", "samples") - source).abs().mean().item<float>();
        Distance(light).Should().BeLessThan(Distance(strong), "a low strength keeps more of the source's latents");
        light.Output<MetricSet>("sample", "metrics").Values["steps"].Should().Be(4, "two images, each running the last 2 of 20 steps");
    }

    private async Task<Tensor> RunAsync(string file, params string[] overrides) =>
        (await RunResultAsync(file, overrides)).Output<Tensor>("decode", "images").clone();

    private Task<PipelineRunResult> RunResultAsync(string file, params string[] overrides) => pipelines.RunAsync(file, overrides);
}
