using Diffusion.Contracts;

namespace Diffusion.Plugins.Distillation;

/// <summary>Params of <c>denoiser.consistency</c>; they must be those the model was trained with (its checkpoint's consistency_* metadata).</summary>
public sealed record ConsistencyDenoiserOptions
{
    [Param("σ_min the model was trained with (its checkpoint's consistency_sigma_min; null: the scheduler's σ at t = 0, train.consistency's default).", Min = 0)]
    public double? SigmaMin { get; init; }

    [Param("σ_data the model was trained with (its checkpoint's consistency_sigma_data).", Min = 0)]
    public double SigmaData { get; init; } = 0.5;
}
