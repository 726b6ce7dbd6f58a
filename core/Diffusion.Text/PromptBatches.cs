namespace Diffusion.Text;

/// <summary>
/// The prompt lists a text conditioner encodes, the same for every text encoder (TorchSharp or ONNX Runtime): the
/// prompts of a condition input, and for the unconditional branch of classifier-free guidance (Ho &amp; Salimans 2022)
/// the empty prompt, one negative prompt for the whole batch, or one negative prompt per item.
/// </summary>
public static class PromptBatches
{
    /// <summary>The prompts of a condition input, checked.</summary>
    /// <param name="prompts">The prompts the condition node passes (ConditionInput.Prompts).</param>
    /// <param name="nodeType">The conditioner's node type, for the message.</param>
    /// <exception cref="ArgumentException">There are no prompts.</exception>
    public static IReadOnlyList<string> Of(IReadOnlyList<string>? prompts, string nodeType) =>
        prompts is { Count: > 0 }
            ? prompts
            : throw new ArgumentException($"{nodeType} encodes text: the condition input has no prompts.", nameof(prompts));

    /// <summary>The prompts of the unconditional branch for a batch of <paramref name="batch"/>.</summary>
    /// <param name="batch">Items in the conditional batch.</param>
    /// <param name="prompts">The negative prompts, or null for the empty prompt.</param>
    /// <param name="nodeType">The conditioner's node type, for the message.</param>
    /// <exception cref="ArgumentException">The negative prompts are neither one nor one per batch item.</exception>
    public static IReadOnlyList<string> Unconditional(int batch, IReadOnlyList<string>? prompts, string nodeType)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batch);
        if (prompts is null || prompts.Count == 0)
        {
            return Enumerable.Repeat("", batch).ToArray();
        }

        if (prompts.Count == 1)
        {
            return Enumerable.Repeat(prompts[0], batch).ToArray();
        }

        return prompts.Count == batch
            ? prompts
            : throw new ArgumentException($"{nodeType}: {prompts.Count} negative prompts for a batch of {batch}; give one, or one per prompt.", nameof(prompts));
    }
}
