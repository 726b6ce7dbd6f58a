using Diffusion.Contracts;
using Diffusion.Plugins.Sampling;
using Diffusion.Plugins.Tests.Infrastructure;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Plugins.Tests.Sampling;

public sealed class EncodeDatasetTests
{
    [Fact]
    public async Task Batches_are_the_sources_batches_encoded_with_their_labels_kept()
    {
        var source = new LabelledImages();
        using var context = new TestNodeContext("latents", new() { ["sample"] = false }).WithInput("data", source).WithInput("encoder", new PoolingEncoder());
        var encoded = (IDataset)(await new EncodeDatasetNode().ExecuteAsync(context)).Values["data"];

        encoded.Info.SampleShape.Should().Equal(2, 2, 2);
        encoded.Info.NumClasses.Should().Be(3);
        encoded.Info.Count.Should().Be(source.Info.Count);
        var batch = encoded.Sample(5, new torch.Generator(11));
        var expected = source.Sample(5, new torch.Generator(11));
        batch.Labels!.equal(expected.Labels!).all().item<bool>().Should().BeTrue();
        batch.Data.allclose(new PoolingEncoder().Encode(expected.Data)).Should().BeTrue("the mean is the pooled image");
        batch.Data.device_type.Should().Be(DeviceType.CPU);
    }

    [Fact]
    public async Task A_posterior_sample_comes_from_the_callers_generator_so_a_seed_repeats_it()
    {
        using var context = new TestNodeContext("latents").WithInput("data", new LabelledImages()).WithInput("encoder", new PoolingEncoder());
        var encoded = (IDataset)(await new EncodeDatasetNode().ExecuteAsync(context)).Values["data"];

        var first = encoded.Sample(4, new torch.Generator(3)).Data;
        var again = encoded.Sample(4, new torch.Generator(3)).Data;
        var other = encoded.Sample(4, new torch.Generator(4)).Data;
        first.allclose(again, 0, 0).Should().BeTrue();
        first.allclose(other, 0, 0).Should().BeFalse();
    }

    [Fact]
    public async Task Points_are_refused_with_what_to_link()
    {
        using var context = new TestNodeContext("latents").WithInput("data", new Points()).WithInput("encoder", new PoolingEncoder());
        var act = async () => await new EncodeDatasetNode().ExecuteAsync(context);
        await act.Should().ThrowAsync<InvalidInputException>().WithMessage("*'latents'*points*[2]*image dataset*");
    }

    private sealed class LabelledImages : IDataset
    {
        public DatasetInfo Info { get; } = new("images", [1, 4, 4], 100, 3);

        public DataBatch Sample(int batchSize, torch.Generator generator) =>
            new(rand([batchSize, 1, 4, 4], generator: generator), randint(0, 3, [batchSize], dtype: ScalarType.Int64, generator: generator));
    }

    private sealed class Points : IDataset
    {
        public DatasetInfo Info { get; } = new("points", [2], null);

        public DataBatch Sample(int batchSize, torch.Generator generator) => new(randn([batchSize, 2], generator: generator), null);
    }
}
