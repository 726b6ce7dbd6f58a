using Diffusion.Contracts;

namespace Diffusion.Plugins.ClassConditioning;

/// <summary>
/// Params of <c>condition.labels</c>. Labels come from exactly one of: <see cref="Labels"/> (explicit),
/// <see cref="Grid"/> = <c>all_digits_grid</c> (0..classes−1 in every row, <see cref="Rows"/> rows), or
/// <see cref="Count"/> (0, 1, ..., classes−1, 0, 1, ... for count items).
/// </summary>
public sealed record LabelsOptions
{
    [Param("Explicit class labels, one per sample.")]
    public IReadOnlyList<int> Labels { get; init; } = [];

    [Param("A layout instead of explicit labels: all_digits_grid = 0..classes-1 in every row.", Choices = ["", "all_digits_grid"])]
    public string Grid { get; init; } = "";

    [Param("Rows of the all_digits_grid layout.", Min = 1, Max = 10_000)]
    public int Rows { get; init; } = 4;

    [Param("Number of labels that cycle through the classes (used when labels and grid are empty).", Min = 0, Max = 1_000_000)]
    public int Count { get; init; }

    [Param("Number of classes.", Min = 1, Max = 1_000_000)]
    public int Classes { get; init; } = 10;

    [Param("The null label for the unconditional branch; -1 means classes (the convention of denoiser.unet2d).", Min = -1, Max = 1_000_000)]
    public int NullLabel { get; init; } = -1;
}
