using Diffusion.Contracts;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Plugins.Sampling;

/// <summary>
/// A dataset seen through an <see cref="IEncoder"/>: each batch is drawn from the source and encoded on the fly into
/// the encoder's scaled latents (Rombach et al. 2022, Sec. 3.1), labels and captions kept. Encoding per batch rather
/// than once keeps the source's distribution exactly (augmentations and fresh draws included) and costs no memory; the
/// posterior sample, when asked for, comes from the caller's generator after the source's draws, so a seeded trainer stays
/// seeded. Thread-safe when the source and the encoder are.
/// </summary>
public sealed class EncodedDataset : IDataset
{
    private readonly IDataset source;
    private readonly IEncoder encoder;
    private readonly Device device;
    private readonly bool samplePosterior;

    /// <summary>Wraps <paramref name="source"/>; <paramref name="device"/> is where the encoder runs.</summary>
    public EncodedDataset(IDataset source, IEncoder encoder, Device device, bool samplePosterior)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(encoder);
        ArgumentNullException.ThrowIfNull(device);
        this.source = source;
        this.encoder = encoder;
        this.device = device;
        this.samplePosterior = samplePosterior;
        Info = source.Info with
        {
            Name = $"{source.Info.Name} (encoded)",
            SampleShape = [.. encoder.LatentShape(source.Info.SampleShape)],
        };
    }

    /// <inheritdoc />
    public DatasetInfo Info { get; }

    /// <inheritdoc />
    public DataBatch Sample(int batchSize, torch.Generator generator)
    {
        var batch = source.Sample(batchSize, generator);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var latents = encoder.Encode(batch.Data.to(device), samplePosterior ? generator : null).to(CPU).MoveToOuterDisposeScope();
        batch.Data.Dispose();
        return batch with { Data = latents };
    }
}
