using Diffusion.Contracts;

namespace Diffusion.Plugins.Distillation;

/// <summary>Params of <c>sampler.consistency</c>.</summary>
public sealed record ConsistencySamplerOptions
{
    [Param("σ_min in the re-noising x = x0 + sqrt(σ_i² − σ_min²) z (null: the consistency model's own σ_min, else the scheduler's σ at t = 0).", Min = 0)]
    public double? SigmaMin { get; init; }
}
