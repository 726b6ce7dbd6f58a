using System.Text.Json.Nodes;
using Diffusion.Contracts;
using Diffusion.Nn;
using Diffusion.Plugins.Ldm;
using Diffusion.Plugins.Mnist;
using Diffusion.Plugins.Tests.Infrastructure;
using Diffusion.Text;
using static TorchSharp.torch;

namespace Diffusion.Plugins.Tests.Ldm;

/// <summary><c>train.latent_text</c> at toy size: it writes a diffusers folder whose parts load and fit together.</summary>
public sealed class LatentTextTrainTests : IDisposable
{
    private static readonly string Repository = Path.GetFullPath(Path.Combine(Fixtures.Repository, "..", "..", ".."));
    private readonly string output = Directory.CreateTempSubdirectory("latent-text-").FullName;

    public void Dispose() => Directory.Delete(output, recursive: true);

    [Fact]
    public async Task A_few_steps_write_a_loadable_pipeline_folder_with_a_reduced_clip_vocabulary()
    {
        var test = MnistData.Load(Path.Combine(Repository, "data", "mnist"), MnistSplit.Test);
        var data = new MnistCaptionDataset(test, DigitPropertyBins.FromData(test), keep: 1.0);
        using var context = new TestNodeContext("train", new JsonObject
        {
            ["output"] = "model",
            ["tokenizer"] = Fixtures.RepositoryPath("tokenizer"),
            ["ae_steps"] = 2, ["ae_batch"] = 4, ["ae_channels"] = new JsonArray(8, 8),
            ["steps"] = 2, ["batch"] = 4, ["unet_channels"] = new JsonArray(32), ["text_width"] = 16, ["text_layers"] = 1, ["warmup_steps"] = 1,
        }, new RunContext { RunId = "t", Device = CPU, OutputDirectory = output, BaseDirectory = output, Logger = Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance });
        context.WithInput("data", data);

        var outputs = await new LatentTextTrainNode().ExecuteAsync(context);

        var folder = (string)outputs.Values["model"];
        var index = DiffusersPipelineIndex.Read(folder);
        index.ClassName.Should().Be("StableDiffusionPipeline");
        using var unet = ModelFolder.LoadUNet2DCondition(Path.Combine(folder, "unet"));
        using var vae = ModelFolder.LoadAutoencoderKL(Path.Combine(folder, "vae"));
        using var text = ModelFolder.LoadClipText(Path.Combine(folder, "text_encoder"));
        vae.Config.Downsamplings.Should().Be(1);
        unet.Config.SampleSize.Should().Equal(14, 14);
        unet.Config.CrossAttentionDim[0].Should().Be(text.Config.HiddenSize);
        ((MetricSet)outputs.Values["metrics"]).Values["scaling_factor"].Should().BePositive();

        var reduced = ClipTokenizer.FromFolder(Path.Combine(folder, "tokenizer"));
        var full = ClipTokenizer.FromFolder(Fixtures.RepositoryPath("tokenizer"));
        reduced.MaxLength.Should().Be(16);
        text.Config.VocabSize.Should().BeLessThan(1500);
        foreach (var caption in new[] { "a large thick seven slanted to the right", "a thin 0 slanted to the left", "a small nine" })
        {
            reduced.Tokenize(caption).Count.Should().Be(full.Tokenize(caption).Count, $"'{caption}' splits as with CLIP's whole vocabulary");
        }

        reduced.Tokenize("a purple cat 🙂").Should().NotBeEmpty("unknown words fall back to byte symbols");
    }

    [Fact]
    public async Task A_second_run_reuses_the_first_runs_autoencoder_instead_of_training_one()
    {
        var test = MnistData.Load(Path.Combine(Repository, "data", "mnist"), MnistSplit.Test);
        var data = new MnistCaptionDataset(test, DigitPropertyBins.FromData(test), keep: 1.0);
        var small = new JsonObject
        {
            ["tokenizer"] = Fixtures.RepositoryPath("tokenizer"),
            ["ae_steps"] = 2, ["ae_batch"] = 4, ["ae_channels"] = new JsonArray(8, 8),
            ["steps"] = 1, ["batch"] = 4, ["unet_channels"] = new JsonArray(32), ["text_width"] = 16, ["text_layers"] = 1, ["warmup_steps"] = 1,
        };
        var first = await Train("first", small, data);
        var second = small.DeepClone().AsObject();
        second["autoencoder"] = Path.Combine(first, "vae");
        second["ae_channels"] = new JsonArray(16, 16, 16);
        var reused = await Train("second", second, data);

        using var trained = ModelFolder.LoadAutoencoderKL(Path.Combine(first, "vae"));
        using var loaded = ModelFolder.LoadAutoencoderKL(Path.Combine(reused, "vae"));
        loaded.Config.BlockOutChannels.Should().Equal([8, 8], "ae_channels is ignored when an autoencoder is given");
        var loadedWeights = loaded.state_dict();
        foreach (var (name, weight) in trained.state_dict())
        {
            (loadedWeights[name] - weight).abs().max().item<float>().Should().Be(0, $"{name} is the first run's weight");
        }

        using var unet = ModelFolder.LoadUNet2DCondition(Path.Combine(reused, "unet"));
        unet.Config.SampleSize.Should().Equal(14, 14);
    }

    [Fact]
    public async Task An_autoencoder_for_other_channels_is_refused_naming_its_config()
    {
        var rgb = Path.Combine(output, "rgb-vae");
        Directory.CreateDirectory(rgb);
        var tiny = Fixtures.RepositoryPath(Path.Combine("models", "vae_tiny"));
        foreach (var file in Directory.GetFiles(tiny))
        {
            File.Copy(file, Path.Combine(rgb, Path.GetFileName(file)));
        }

        var test = MnistData.Load(Path.Combine(Repository, "data", "mnist"), MnistSplit.Test);
        var data = new MnistCaptionDataset(test, DigitPropertyBins.FromData(test), keep: 1.0);
        var act = () => Train("rgb", new JsonObject { ["tokenizer"] = Fixtures.RepositoryPath("tokenizer"), ["autoencoder"] = rgb, ["steps"] = 1 }, data);

        (await act.Should().ThrowAsync<InvalidInputException>()).WithMessage("*maps 3 to 3 channels*data has 1*");
    }

    private async Task<string> Train(string name, JsonObject parameters, IDataset data)
    {
        parameters["output"] = name;
        using var context = new TestNodeContext("train", parameters,
            new RunContext { RunId = "t", Device = CPU, OutputDirectory = output, BaseDirectory = output, Logger = Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance });
        context.WithInput("data", data);
        var outputs = await new LatentTextTrainNode().ExecuteAsync(context);
        return (string)outputs.Values["model"];
    }

    [Fact]
    public async Task Uncaptioned_data_is_refused_with_what_to_use()
    {
        var test = MnistData.Load(Path.Combine(Repository, "data", "mnist"), MnistSplit.Test);
        using var context = new TestNodeContext("train", new JsonObject { ["tokenizer"] = Fixtures.RepositoryPath("tokenizer") },
            new RunContext { RunId = "t", Device = CPU, OutputDirectory = output, BaseDirectory = output, Logger = Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance });
        context.WithInput("data", new MnistDataset(test));

        var act = () => new LatentTextTrainNode().ExecuteAsync(context);

        (await act.Should().ThrowAsync<ArgumentException>()).WithMessage("*has no captions*dataset.mnist_captions*");
    }
}
