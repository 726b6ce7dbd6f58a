using Diffusion.Contracts;
using static TorchSharp.torch;

namespace Diffusion.Plugins.Toy2d;

/// <summary>
/// A toy 2-D distribution as an <see cref="IDataset"/>: every <see cref="Sample"/> draws fresh points from
/// <see cref="ToyDistributions"/> with the caller's generator. Immutable and thread-safe.
/// </summary>
public sealed class Toy2dDataset : IDataset
{
    /// <summary>Creates the dataset for validated options.</summary>
    public Toy2dDataset(Toy2dDatasetOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!ToyDistributions.Shapes.Contains(options.Shape))
        {
            throw new ArgumentException($"dataset.toy2d: unknown shape '{options.Shape}'; use one of {string.Join(", ", ToyDistributions.Shapes)}.", nameof(options));
        }

        Shape = options.Shape;
        Noise = options.Noise ?? ToyDistributions.DefaultNoise(options.Shape);
        if (Noise < 0)
        {
            throw new ArgumentException($"dataset.toy2d: noise must be ≥ 0, got {Noise}.", nameof(options));
        }

        Info = new DatasetInfo(Shape, [2], null, ToyDistributions.NumClasses(Shape));
    }

    /// <summary>The shape name (see <see cref="ToyDistributions"/>).</summary>
    public string Shape { get; }

    /// <summary>The noise std in use (the shape's default when the param was absent).</summary>
    public double Noise { get; }

    /// <inheritdoc />
    public DatasetInfo Info { get; }

    /// <inheritdoc />
    public DataBatch Sample(int batchSize, Generator generator)
    {
        var (points, labels) = ToyDistributions.Sample(Shape, batchSize, Noise, generator);
        return new DataBatch(points, labels);
    }
}
