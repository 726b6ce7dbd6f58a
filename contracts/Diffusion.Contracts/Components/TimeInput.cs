namespace Diffusion.Contracts;

/// <summary>How a denoiser reads its time argument.</summary>
public enum TimeInput
{
    /// <summary>The discrete training timestep t in [0, T) (possibly fractional), as diffusers UNets take it.</summary>
    Timestep,

    /// <summary>The noise level σ (VE score models, EDM/k-diffusion-style networks).</summary>
    Sigma,

    /// <summary>Continuous time t in [ε, 1] of an SDE (Song et al. 2021).</summary>
    ContinuousTime,
}
