using TorchSharp;

namespace Diffusion.Contracts;

/// <summary>A batch of data with optional class labels and captions.</summary>
/// <param name="Data">[batch, ...] float.</param>
/// <param name="Labels">[batch] int64, or null for unlabelled data.</param>
public sealed record DataBatch(torch.Tensor Data, torch.Tensor? Labels)
{
    /// <summary>One caption per item for text-conditioned training, or null.</summary>
    public IReadOnlyList<string>? Captions { get; init; }
}
