using System.Text.Json.Nodes;
using Diffusion.Contracts;
using Diffusion.Plugins.Mnist;
using Diffusion.Plugins.Tests.Infrastructure;
using static TorchSharp.torch;

namespace Diffusion.Plugins.Tests.Mnist;

/// <summary>Captions from measured properties, and the prompt evaluation that reads them back.</summary>
public sealed class MnistCaptionTests
{
    private static readonly string Repository = Path.GetFullPath(Path.Combine(Fixtures.Repository, "..", "..", ".."));
    private static readonly string Data = Path.Combine(Repository, "data", "mnist");
    private static readonly Lazy<MnistData> Train = new(() => MnistData.Load(Data, MnistSplit.Train));
    private static readonly Lazy<DigitPropertyBins> Bins = new(() => DigitPropertyBins.FromData(Train.Value));

    [Fact]
    public void Measurements_follow_their_definitions_on_drawn_shapes()
    {
        // A 1-pixel-wide vertical bar, then the same bar sheared one column right per two rows up.
        var upright = full(1, 1, 28, 28, -1f);
        var leaning = full(1, 1, 28, 28, -1f);
        for (int row = 4; row < 24; row++)
        {
            upright[0, 0, row, 14] = tensor(1f);
            leaning[0, 0, row, 14 + ((23 - row) / 2)] = tensor(1f);
        }

        var (thickness, size, slant) = DigitMeasurements.Measure(cat([upright, leaning], 0));

        thickness.data<double>().ToArray().Should().Equal(20, 20);
        size.data<double>().ToArray().Should().Equal(20 * 1, 20 * 10);
        slant[0].item<double>().Should().BeApproximately(0, 1e-9);
        slant[1].item<double>().Should().BeApproximately(0.5, 0.03, "one column right per two rows up");
    }

    [Fact]
    public void Captions_compose_and_parse_back()
    {
        DigitCaptions.Compose(7, numeral: false, thickness: 1, size: null, slant: 1).Should().Be("a thick seven slanted to the right");
        DigitCaptions.Compose(3, numeral: true, thickness: 0, size: -1, slant: 0).Should().Be("a small 3");
        DigitCaptions.Parse("A THIN 4, slanted to the left").Should().Be((4, (int?)-1, (int?)null, (int?)-1));
        DigitCaptions.Parse("a large eight").Should().Be((8, (int?)null, (int?)1, (int?)null));
        DigitCaptions.Parse("a cat").Should().BeNull();
    }

    [Fact]
    public void The_caption_dataset_states_each_images_own_bins_and_is_seeded()
    {
        var dataset = new MnistCaptionDataset(Train.Value, Bins.Value, keep: 1.0);
        using var g1 = new Generator(3, CPU);
        using var g2 = new Generator(3, CPU);
        var batch = dataset.Sample(64, g1);
        var again = dataset.Sample(64, g2);

        dataset.Info.HasCaptions.Should().BeTrue();
        again.Captions.Should().Equal(batch.Captions!);
        var labels = batch.Labels!.data<long>().ToArray();
        var bins = Bins.Value.Bins(batch.Data, labels.Select(l => (int)l).ToList());
        for (int i = 0; i < 64; i++)
        {
            var parsed = DigitCaptions.Parse(batch.Captions![i])!.Value;
            parsed.Label.Should().Be((int)labels[i]);
            (parsed.Thickness ?? 0).Should().Be(bins[i, 0], batch.Captions[i]);
            (parsed.Size ?? 0).Should().Be(bins[i, 1], batch.Captions[i]);
            (parsed.Slant ?? 0).Should().Be(bins[i, 2], batch.Captions[i]);
        }
    }

    [Fact]
    public async Task Real_digits_score_high_on_their_own_captions_and_near_chance_on_shuffled_ones()
    {
        var test = MnistData.Load(Data, MnistSplit.Test);
        var dataset = new MnistCaptionDataset(test, Bins.Value, keep: 1.0);
        var images = MnistData.ToModelRange(test.Images.narrow(0, 0, 300), 28);
        var own = Enumerable.Range(0, 300).Select(i => dataset.FullCaption(i, numeral: i % 2 == 0)).ToList();
        var labels = test.Labels.narrow(0, 0, 300).data<long>().ToArray();

        var ownScores = await Evaluate(images, own);
        ownScores["digit_accuracy"].Should().BeGreaterThan(0.97);
        ownScores["thickness_match"].Should().Be(1.0);
        ownScores["slant_match"].Should().Be(1.0);

        // Same digit, another image's properties: matches fall to about chance (1/3 of the stated bins agree by luck).
        var shuffled = own.Select((_, i) => ReplaceDigit(own[(i + 150) % 300], (int)labels[i])).ToList();
        var shuffledScores = await Evaluate(images, shuffled);
        shuffledScores["thickness_match"].Should().BeLessThan(0.6);
        shuffledScores["slant_match"].Should().BeLessThan(0.6);
    }

    [Fact]
    public void A_prompt_without_a_digit_is_a_validation_issue()
    {
        var issues = new EvalMnistPromptsNode().Validate(new NodeValidationContext("eval", new JsonObject { ["prompts"] = new JsonArray("a thick seven", "a cat") }, Repository)).ToList();

        issues.Should().ContainSingle().Which.Message.Should().Contain("\"a cat\" names no digit");
    }

    private static string ReplaceDigit(string caption, int label)
    {
        var parsed = DigitCaptions.Parse(caption)!.Value;
        return DigitCaptions.Compose(label, numeral: false, parsed.Thickness, parsed.Size, parsed.Slant);
    }

    private static async Task<IReadOnlyDictionary<string, double>> Evaluate(Tensor images, IReadOnlyList<string> prompts)
    {
        using var context = new TestNodeContext("eval", new JsonObject
        {
            ["prompts"] = new JsonArray(prompts.Select(p => (JsonNode)p).ToArray()),
            ["classifier"] = Path.Combine(Repository, "pipelines", "models", "mnist-classifier.safetensors"),
            ["data"] = Data,
        });
        context.WithInput("samples", images);
        var metrics = (MetricSet)(await new EvalMnistPromptsNode().ExecuteAsync(context)).Values["metrics"];
        return metrics.Values;
    }
}
