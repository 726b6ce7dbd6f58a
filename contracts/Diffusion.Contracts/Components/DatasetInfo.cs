namespace Diffusion.Contracts;

/// <summary>What a dataset declares.</summary>
/// <param name="Name">For logs and reports.</param>
/// <param name="SampleShape">Shape of one item without the batch.</param>
/// <param name="Count">Number of items, or null for a distribution sampled afresh (toy 2-D data).</param>
/// <param name="NumClasses">Number of classes of the labels (0: unlabelled).</param>
public sealed record DatasetInfo(string Name, IReadOnlyList<long> SampleShape, long? Count, int NumClasses = 0)
{
    /// <summary>Whether batches carry <see cref="DataBatch.Captions"/> (text-conditioned training).</summary>
    public bool HasCaptions { get; init; }
}
