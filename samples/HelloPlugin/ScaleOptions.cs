using Diffusion.Contracts;

namespace Samples.HelloPlugin;

/// <summary>The params of <c>transform.scale</c>; in a pipeline: <c>"params": { "factor": 0.5 }</c>.</summary>
public sealed record ScaleOptions
{
    [Param("What every element of the input is multiplied by.")]
    public double Factor { get; init; } = 1.0;
}
