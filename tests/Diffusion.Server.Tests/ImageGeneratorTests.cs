using Diffusion.Core;
using Diffusion.Extensions.AI;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

#pragma warning disable MEAI001 // Microsoft.Extensions.AI's image generation is experimental.

namespace Diffusion.Server.Tests;

/// <summary>IImageGenerator over the shipped class-conditional MNIST pipeline, through AddDiffusion's run service.</summary>
public sealed class ImageGeneratorTests
{
    [Fact]
    public async Task A_class_named_in_words_or_digits_comes_back_as_pngs_of_the_models_size()
    {
        using var host = await StartAsync();
        var generator = host.Services.GetRequiredService<IImageGenerator>();
        generator.Should().BeOfType<DiffusionImageGenerator>();
        generator.GetService<ImageGeneratorMetadata>()!.DefaultModelId.Should().Be("mnist-digits");

        var sevens = await generator.GenerateImagesAsync("seven", new ImageGenerationOptions { Count = 2 });
        var images = sevens.Contents.OfType<DataContent>().ToList();
        images.Should().HaveCount(2);
        foreach (var image in images)
        {
            image.MediaType.Should().Be("image/png");
            var (width, height, channels, pixels) = PngReader.Read(image.Data.ToArray());
            (width, height, channels).Should().Be((28, 28, 1));
            pixels.Distinct().Count().Should().BeGreaterThan(2, "a drawn digit, not a flat image");
        }

        // The prompt reaches the labels: "7" is the same class as "seven" (same seed, same bytes); "three" is another.
        var digits = (await generator.GenerateImagesAsync("7", new ImageGenerationOptions { Count = 2 })).Contents.OfType<DataContent>().ToList();
        digits.Select(d => Convert.ToHexString(d.Data.Span)).Should().Equal(images.Select(d => Convert.ToHexString(d.Data.Span)));
        var three = (await generator.GenerateImagesAsync("three")).Contents.OfType<DataContent>().Single();
        three.Data.ToArray().Should().NotEqual(images[0].Data.ToArray());

        await FluentActions.Awaiting(() => generator.GenerateImagesAsync("eleven")).Should().ThrowAsync<ArgumentException>().WithMessage("*\"eleven\" is not a class*zero, one*");
        await FluentActions.Awaiting(() => generator.GenerateImagesAsync("7", new ImageGenerationOptions { Count = 99 })).Should().ThrowAsync<ArgumentOutOfRangeException>();
    }

    [Fact]
    public async Task A_text_prompt_runs_the_tiny_stable_diffusion_pipeline_with_its_defaults()
    {
        using var host = await StartAsync(o =>
        {
            o.Pipeline = Path.Combine(ServerHost.RepositoryRoot, "pipelines", "sd-txt2img.json");
            o.Set.Add("sample.params.steps=2");
        });
        var generator = host.Services.GetRequiredService<IImageGenerator>();
        var response = await generator.GenerateImagesAsync("a lighthouse at dusk", new ImageGenerationOptions { Count = 1 });
        var image = response.Contents.OfType<DataContent>().Single();
        image.MediaType.Should().Be("image/png");
        // The tiny SD: 16 x 16 latents, a VAE of two blocks (one 2x upsampling): 32 x 32 RGB.
        var (width, height, channels, _) = PngReader.Read(image.Data.ToArray());
        (width, height, channels).Should().Be((32, 32, 3));
    }

    private static Task<IHost> StartAsync() => StartAsync(o =>
    {
        o.Pipeline = Path.Combine(ServerHost.RepositoryRoot, "pipelines", "mnist-digits.json");
        o.Prompt = PromptMode.ClassLabel;
        o.PromptParam = "digits.params.labels";
        o.ImagesOutput = "sample.samples";
        o.CountParams.Clear();
        o.CountParams.Add("sample.params.count");
        o.SeedsParam = null;
        // Explicit labels instead of the file's grid of all digits, and few steps for a test.
        o.Set.Add("digits.params.grid=\"\"");
        o.Set.Add("sample.params.steps=4");
    });

    private static async Task<IHost> StartAsync(Action<DiffusionImageGeneratorOptions> configure)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddDiffusion(o => o.Device = "cpu").AddPluginFolder(DiffusionServerApp.BuiltInPluginFolder);
        builder.Services.AddDiffusionImageGenerator(configure);
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }
}
