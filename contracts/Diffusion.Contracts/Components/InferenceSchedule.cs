namespace Diffusion.Contracts;

/// <summary>
/// The discretisation of a schedule for N inference steps: model times to visit and, for sigma-space samplers, the
/// noise levels. Plain arrays of doubles so it is cheap to share and exact to compare.
/// </summary>
public sealed record InferenceSchedule
{
    /// <summary>The time values passed to the denoiser, in visiting order (length N).</summary>
    public required IReadOnlyList<double> Timesteps { get; init; }

    /// <summary>
    /// σ at each timestep plus the final σ (length N+1), where σ = sqrt((1−ᾱ)/ᾱ) for VP schedules (Karras et al. 2022
    /// Table 1) and σ(t) for VE. Empty when the schedule has no sigma view.
    /// </summary>
    public IReadOnlyList<double> Sigmas { get; init; } = [];

    /// <summary>ᾱ used for "the step after the last" (DDIM's final_alpha_cumprod: 1 with set_alpha_to_one, else ᾱ_0).</summary>
    public double FinalAlphaCumprod { get; init; } = 1.0;
}
