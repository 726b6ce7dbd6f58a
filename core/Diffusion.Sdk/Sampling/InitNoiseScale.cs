namespace Diffusion.Sdk;

/// <summary>How a sigma-space sampler scales the x_T it draws.</summary>
public enum InitNoiseScale
{
    /// <summary>σ_max (k-diffusion; diffusers with trailing or linspace spacing).</summary>
    SigmaMax,

    /// <summary>sqrt(σ_max² + 1) (diffusers' Euler-family schedulers with leading spacing).</summary>
    UnitVariance,
}
