using Diffusion.Contracts;

namespace Diffusion.Plugins.ClassConditioning;

/// <summary>Params of the <c>condition</c> node.</summary>
public sealed record ConditionOptions
{
    [Param("Text prompts, one per sample (or repeated to count).")]
    public IReadOnlyList<string> Prompts { get; init; } = [];

    [Param("Class labels, one per sample (or repeated to count).")]
    public IReadOnlyList<int> Labels { get; init; } = [];

    [Param("Negative prompts replacing the unconditional branch: one for all, or one per prompt.")]
    public IReadOnlyList<string> NegativePrompts { get; init; } = [];

    [Param("Rows to produce: each prompt/label repeated count/n times in place (0: one row each).", Min = 0, Max = 100000)]
    public int Count { get; init; }
}
