using Diffusion.Contracts;

namespace Diffusion.Plugins.ScoreSde;

/// <summary>Params of <c>sampler.pc</c>, the predictor-corrector sampler (Song et al. 2021, Algorithms 1–5, Appendix G).</summary>
public sealed record PredictorCorrectorOptions
{
    /// <summary>The predictor: the reverse of the SDE's own discretisation, Euler–Maruyama on the reverse SDE, or none.</summary>
    [Param("Predictor: reverse_diffusion (Eq. 46-47 reversed), euler_maruyama (reverse SDE, Eq. 6) or none (corrector only).", Choices = ["reverse_diffusion", "euler_maruyama", "none"])]
    public string Predictor { get; init; } = "reverse_diffusion";

    /// <summary>The corrector: Langevin MCMC or none.</summary>
    [Param("Corrector: langevin (Algorithms 4-5) or none.", Choices = ["langevin", "none"])]
    public string Corrector { get; init; } = "langevin";

    /// <summary>The signal-to-noise ratio r that sets the Langevin step size.</summary>
    [Param("Langevin signal-to-noise ratio r (paper: 0.16 for VE CIFAR-10, diffusers 0.15).", Min = 0)]
    public double Snr { get; init; } = 0.16;

    /// <summary>Corrector steps M per noise level.</summary>
    [Param("Corrector steps M per noise level (diffusers: correct_steps).", Min = 0, Max = 1000)]
    public int CorrectSteps { get; init; } = 1;

    /// <summary>Whether to return the last predictor's mean (no noise in the final step), as the paper and diffusers do.</summary>
    [Param("Return the noise-free mean of the last predictor step (the paper's 'denoise', diffusers' prev_sample_mean).")]
    public bool Denoise { get; init; } = true;
}
