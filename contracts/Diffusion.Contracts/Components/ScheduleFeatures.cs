namespace Diffusion.Contracts;

/// <summary>What a schedule offers an update rule; samplers declare which of these they need.</summary>
[Flags]
public enum ScheduleFeatures
{
    /// <summary>Nothing a sampler could rely on.</summary>
    None = 0,

    /// <summary>A discrete ᾱ_t table on integer training timesteps (DDPM, DDIM, PNDM step along it).</summary>
    AlphasCumprod = 1,

    /// <summary>A sigma view σ_i of every step plus the final level (k-diffusion-style samplers step in σ).</summary>
    Sigmas = 2,

    /// <summary>A continuous SDE with drift, diffusion and prior (<see cref="ISdeScheduler"/>; predictor-corrector, probability flow).</summary>
    Sde = 4,
}
