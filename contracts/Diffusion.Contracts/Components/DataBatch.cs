using TorchSharp;

namespace Diffusion.Contracts;

/// <summary>A batch of data with optional class labels.</summary>
/// <param name="Data">[batch, ...] float.</param>
/// <param name="Labels">[batch] int64, or null for unlabelled data.</param>
public sealed record DataBatch(torch.Tensor Data, torch.Tensor? Labels);
