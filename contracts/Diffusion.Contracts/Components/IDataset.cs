using TorchSharp;

namespace Diffusion.Contracts;

/// <summary>
/// Training or evaluation data. Sampling is driven by the caller's generator so it is reproducible and thread-safe:
/// the dataset itself holds no cursor.
/// </summary>
public interface IDataset
{
    /// <summary>Shape, size and classes.</summary>
    DatasetInfo Info { get; }

    /// <summary>A random batch (with replacement for finite sets; fresh draws for distributions), on the CPU.</summary>
    DataBatch Sample(int batchSize, torch.Generator generator);
}
