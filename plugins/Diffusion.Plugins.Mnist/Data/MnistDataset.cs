using Diffusion.Contracts;
using static TorchSharp.torch;

namespace Diffusion.Plugins.Mnist;

/// <summary>
/// MNIST as an <see cref="IDataset"/>: batches drawn uniformly with replacement by the caller's generator,
/// images in [-1, 1] of shape [1, S, S] (S = 28, or 32 when padded), labels 0..9.
/// </summary>
public sealed class MnistDataset : IDataset
{
    private readonly MnistData data;
    private readonly int size;

    /// <summary>Wraps loaded data; <paramref name="size"/> ≥ 28 pads with background.</summary>
    public MnistDataset(MnistData data, int size = 28)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentOutOfRangeException.ThrowIfLessThan(size, (int)data.Images.shape[1]);
        this.data = data;
        this.size = size;
        Info = new DatasetInfo($"mnist-{data.Split.ToString().ToLowerInvariant()}", [1, size, size], data.Count, 10);
    }

    /// <inheritdoc />
    public DatasetInfo Info { get; }

    /// <summary>The underlying images and labels.</summary>
    public MnistData Data => data;

    /// <inheritdoc />
    public DataBatch Sample(int batchSize, Generator generator)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        using var scope = NewDisposeScope();
        var index = randint(0, data.Count, [batchSize], ScalarType.Int64, generator: generator);
        var images = MnistData.ToModelRange(data.Images.index_select(0, index), size);
        var labels = data.Labels.index_select(0, index);
        return new DataBatch(images.MoveToOuterDisposeScope(), labels.MoveToOuterDisposeScope());
    }

    /// <summary>All images in order as [N, 1, S, S] in [-1, 1], with their labels (for evaluation).</summary>
    public (Tensor Images, Tensor Labels) All(long? limit = null)
    {
        long n = Math.Min(limit ?? data.Count, data.Count);
        using var scope = NewDisposeScope();
        var images = MnistData.ToModelRange(data.Images.narrow(0, 0, n), size);
        var labels = data.Labels.narrow(0, 0, n).clone();
        return (images.MoveToOuterDisposeScope(), labels.MoveToOuterDisposeScope());
    }
}
