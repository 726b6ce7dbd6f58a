using Diffusion.Contracts;

namespace Diffusion.Plugins.ClassConditioning;

/// <summary>Params of <c>conditioner.class_labels</c>.</summary>
public sealed record ClassLabelConditionerOptions
{
    [Param("Number of classes.", Min = 1, Max = 1000000)]
    public int Classes { get; init; } = 10;

    [Param("The null label for the unconditional branch; -1 means classes (the convention of denoiser.unet2d).", Min = -1, Max = 1000000)]
    public int NullLabel { get; init; } = -1;
}
