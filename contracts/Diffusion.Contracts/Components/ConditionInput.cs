using TorchSharp;

namespace Diffusion.Contracts;

/// <summary>Raw conditions before encoding: labels, prompts or an image; one entry per batch item.</summary>
public sealed record ConditionInput
{
    /// <summary>Class labels.</summary>
    public IReadOnlyList<int>? Labels { get; init; }

    /// <summary>Text prompts.</summary>
    public IReadOnlyList<string>? Prompts { get; init; }

    /// <summary>An image [batch, c, h, w] in [-1, 1].</summary>
    public torch.Tensor? Image { get; init; }
}
