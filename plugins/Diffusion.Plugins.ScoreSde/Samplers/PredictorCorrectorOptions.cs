using Diffusion.Contracts;

namespace Diffusion.Plugins.ScoreSde;

/// <summary>Params of <c>sampler.pc</c>, the predictor-corrector sampler (Song et al. 2021, Algorithms 1–5, Appendix G).</summary>
public sealed record PredictorCorrectorOptions
{
    [Param("Predictor: reverse_diffusion (Eq. 46-47 reversed), euler_maruyama (reverse SDE, Eq. 6) or none (corrector only).", Choices = ["reverse_diffusion", "euler_maruyama", "none"])]
    public string Predictor { get; init; } = "reverse_diffusion";

    [Param("Corrector: langevin (Algorithms 4-5) or none.", Choices = ["langevin", "none"])]
    public string Corrector { get; init; } = "langevin";

    [Param("Langevin signal-to-noise ratio r (paper: 0.16 for VE CIFAR-10, diffusers 0.15).", Min = 0)]
    public double Snr { get; init; } = 0.16;

    [Param("Corrector steps M per noise level (diffusers: correct_steps).", Min = 0, Max = 1000)]
    public int CorrectSteps { get; init; } = 1;

    [Param("Return the noise-free mean of the last predictor step (the paper's 'denoise', diffusers' prev_sample_mean).")]
    public bool Denoise { get; init; } = true;
}
