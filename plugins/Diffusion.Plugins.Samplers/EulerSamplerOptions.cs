using Diffusion.Contracts;
using Diffusion.Sdk;

namespace Diffusion.Plugins.Samplers;

/// <summary>Params of <c>sampler.euler</c> (diffusers' <c>EulerDiscreteScheduler</c> and its step kwargs).</summary>
public sealed record EulerSamplerOptions
{
    [Param("What the denoiser predicts; null: as the denoiser declares.")]
    public PredictionType? PredictionType { get; init; }

    [Param("S_churn (Karras et al. 2022, Algorithm 2); 0 is deterministic.", Min = 0, Max = 1000)]
    public double SChurn { get; init; }

    [Param("Lowest sigma that receives churn.", Min = 0)]
    public double STmin { get; init; }

    [Param("Highest sigma that receives churn.", Min = 0)]
    public double STmax { get; init; } = double.PositiveInfinity;

    [Param("S_noise: scale of the churn noise.", Min = 0, Max = 10)]
    public double SNoise { get; init; } = 1.0;

    [Param("Initial noise scale: sigma_max, or unit_variance = sqrt(sigma_max²+1) (diffusers' leading spacing).")]
    public InitNoiseScale InitNoiseSigma { get; init; } = InitNoiseScale.SigmaMax;

    [Param("Model time: discrete (the timestep) or continuous (0.25·log σ, diffusers' timestep_type for v-prediction models).")]
    public EulerTimestepType TimestepType { get; init; } = EulerTimestepType.Discrete;
}
