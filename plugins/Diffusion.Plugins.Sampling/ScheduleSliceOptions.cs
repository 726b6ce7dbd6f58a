using Diffusion.Contracts;

namespace Diffusion.Plugins.Sampling;

/// <summary>Params of the <c>schedule.slice</c> node.</summary>
public sealed record ScheduleSliceOptions
{
    [Param("First step kept (0-based).", Min = 0, Max = 10000)]
    public int Start { get; init; }

    [Param("One past the last step kept (null: to the end).", Min = 1, Max = 10000)]
    public int? End { get; init; }

    [Param("Keep the last ⌊N·strength⌋ steps instead (diffusers' img2img strength); null: use start/end.", Min = 0, Max = 1)]
    public double? Strength { get; init; }
}
