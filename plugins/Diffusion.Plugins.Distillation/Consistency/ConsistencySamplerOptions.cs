using Diffusion.Contracts;

namespace Diffusion.Plugins.Distillation;

/// <summary>Params of <c>sampler.consistency</c>.</summary>
public sealed record ConsistencySamplerOptions
{
    /// <summary>σ_min of the re-noising; null takes the consistency model's (or the scheduler's smallest σ).</summary>
    [Param("σ_min in the re-noising x = x0 + sqrt(σ_i² − σ_min²) z (null: the consistency model's own σ_min, else the scheduler's σ at t = 0).", Min = 0)]
    public double? SigmaMin { get; init; }
}
