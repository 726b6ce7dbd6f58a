using Diffusion.Contracts;

namespace Diffusion.Plugins.Sampling;

/// <summary>Params of the <c>schedule</c> node.</summary>
public sealed record ScheduleOptions
{
    [Param("Inference steps.", Min = 1, Max = 10000)]
    public int Steps { get; init; } = 50;
}
