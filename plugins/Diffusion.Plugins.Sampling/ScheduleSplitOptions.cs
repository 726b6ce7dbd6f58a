using Diffusion.Contracts;

namespace Diffusion.Plugins.Sampling;

/// <summary>Params of the <c>schedule.split</c> node.</summary>
public sealed record ScheduleSplitOptions
{
    [Param("The step the second part starts at (1..N-1).", Min = 1, Max = 10000, Required = true)]
    public int At { get; init; } = 1;
}
