namespace Diffusion.Contracts;

/// <summary>The family of a noise schedule.</summary>
public enum ScheduleKind
{
    /// <summary>A discrete variance-preserving schedule given by ᾱ_t for t = 0..T−1 (DDPM, DDIM, Stable Diffusion).</summary>
    Discrete,

    /// <summary>The variance-exploding SDE (Song et al. 2021, Eq. 9 / SMLD).</summary>
    VarianceExploding,

    /// <summary>The variance-preserving SDE (Song et al. 2021, Eq. 11).</summary>
    VariancePreserving,

    /// <summary>The sub-VP SDE (Song et al. 2021, Eq. 12).</summary>
    SubVariancePreserving,
}
