namespace Diffusion.Contracts;

/// <summary>What a denoiser predicts from (x_t, t).</summary>
public enum PredictionType
{
    /// <summary>The added noise ε (Ho et al. 2020).</summary>
    Epsilon,

    /// <summary>The velocity v = α_t ε − σ_t x_0 (Salimans &amp; Ho 2022, progressive distillation, Eq. 9 context).</summary>
    VPrediction,

    /// <summary>The clean sample x_0.</summary>
    Sample,

    /// <summary>The score ∇_x log p_t(x) (Song et al. 2021).</summary>
    Score,
}
