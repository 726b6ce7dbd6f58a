using Diffusion.Contracts;
using static TorchSharp.torch;

namespace Diffusion.Plugins.Mnist;

/// <summary>
/// MNIST with a caption per image made from its label and measured properties (<see cref="DigitCaptions"/>): the digit
/// as a word or a numeral (even odds) and each stated property (its bin low or high) kept with probability
/// <c>keep</c>, so the model learns partial prompts too. All draws come from the caller's generator, in this order per
/// batch: the indices, then for each item word-or-numeral and the three keep decisions (one rand(batch, 4)).
/// </summary>
public sealed class MnistCaptionDataset : IDataset
{
    private readonly MnistData data;
    private readonly int[,] bins;
    private readonly double keep;

    /// <summary>Wraps loaded data, with bins from <paramref name="propertyBins"/>.</summary>
    public MnistCaptionDataset(MnistData data, DigitPropertyBins propertyBins, double keep)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(propertyBins);
        ArgumentOutOfRangeException.ThrowIfNegative(keep);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(keep, 1);
        this.data = data;
        this.keep = keep;
        using var scope = NewDisposeScope();
        bins = propertyBins.Bins(MnistData.ToModelRange(data.Images, 28), data.Labels.data<long>().ToArray().Select(l => (int)l).ToArray());
        Info = new DatasetInfo($"mnist-captions-{data.Split.ToString().ToLowerInvariant()}", [1, 28, 28], data.Count, 10) { HasCaptions = true };
    }

    /// <inheritdoc />
    public DatasetInfo Info { get; }

    /// <summary>The caption with every property stated, for item <paramref name="index"/>.</summary>
    public string FullCaption(long index, bool numeral = false) =>
        DigitCaptions.Compose((int)data.Labels[index].item<long>(), numeral, bins[index, 0], bins[index, 1], bins[index, 2]);

    /// <inheritdoc />
    public DataBatch Sample(int batchSize, Generator generator)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        using var scope = NewDisposeScope();
        var index = randint(0, data.Count, [batchSize], ScalarType.Int64, generator: generator);
        var draws = rand([batchSize, 4], ScalarType.Float64, generator: generator).data<double>().ToArray();
        var picked = index.data<long>().ToArray();
        var labels = data.Labels.index_select(0, index);
        var labelValues = labels.data<long>().ToArray();
        var captions = new string[batchSize];
        for (int i = 0; i < batchSize; i++)
        {
            long item = picked[i];
            captions[i] = DigitCaptions.Compose(
                (int)labelValues[i],
                numeral: draws[(i * 4) + 0] < 0.5,
                thickness: draws[(i * 4) + 1] < keep ? bins[item, 0] : null,
                size: draws[(i * 4) + 2] < keep ? bins[item, 1] : null,
                slant: draws[(i * 4) + 3] < keep ? bins[item, 2] : null);
        }

        var images = MnistData.ToModelRange(data.Images.index_select(0, index), 28);
        return new DataBatch(images.MoveToOuterDisposeScope(), labels.MoveToOuterDisposeScope()) { Captions = captions };
    }
}
