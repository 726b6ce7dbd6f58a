namespace Diffusion.Plugins.Ddpm;

/// <summary>The reverse-process variance σ_t² (Ho et al. 2020, Sec. 3.2; diffusers' <c>variance_type</c>).</summary>
public enum DdpmVarianceType
{
    /// <summary>β̃_t = (1 − ᾱ_{t−1})/(1 − ᾱ_t) β_t (Eq. 7).</summary>
    FixedSmall,

    /// <summary>β̃_t computed through its logarithm.</summary>
    FixedSmallLog,

    /// <summary>β_t.</summary>
    FixedLarge,
}
