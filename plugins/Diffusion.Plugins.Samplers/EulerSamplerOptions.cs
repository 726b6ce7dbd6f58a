using Diffusion.Contracts;

namespace Diffusion.Plugins.Samplers;

/// <summary>Params of <c>sampler.euler</c> (diffusers' <c>EulerDiscreteScheduler</c> and its step kwargs).</summary>
public sealed record EulerSamplerOptions
{
    /// <summary>What the denoiser predicts; <c>auto</c> reads it from the denoiser.</summary>
    [Param("What the denoiser predicts (auto: as the denoiser declares).", Choices = ["auto", "epsilon", "v_prediction", "sample"])]
    public string PredictionType { get; init; } = "auto";

    /// <summary>Stochasticity S_churn (Karras et al. 2022, Algorithm 2); 0 is the plain Euler ODE step.</summary>
    [Param("S_churn (Karras et al. 2022, Algorithm 2); 0 is deterministic.", Min = 0)]
    public double SChurn { get; init; }

    /// <summary>Churn is applied only for σ in [s_tmin, s_tmax].</summary>
    [Param("Lowest sigma that receives churn.", Min = 0)]
    public double STmin { get; init; }

    /// <summary>Churn is applied only for σ in [s_tmin, s_tmax].</summary>
    [Param("Highest sigma that receives churn.", Min = 0)]
    public double STmax { get; init; } = double.PositiveInfinity;

    /// <summary>Scale S_noise of the churn noise.</summary>
    [Param("S_noise: scale of the churn noise.", Min = 0)]
    public double SNoise { get; init; } = 1.0;

    /// <summary>How x_T is scaled when the sampler draws it.</summary>
    [Param("Initial noise scale: sigma_max, or unit_variance = sqrt(sigma_max²+1) (diffusers' leading spacing).", Choices = ["sigma_max", "unit_variance"])]
    public string InitNoiseSigma { get; init; } = "sigma_max";

    /// <summary>What the model sees as time: the discrete timestep, or 0.25 log σ (diffusers' continuous timesteps, EDM-style v-models).</summary>
    [Param("Model time: discrete (the timestep) or continuous (0.25·log σ, diffusers' timestep_type for v-prediction models).",
        Choices = ["discrete", "continuous"])]
    public string TimestepType { get; init; } = "discrete";
}
