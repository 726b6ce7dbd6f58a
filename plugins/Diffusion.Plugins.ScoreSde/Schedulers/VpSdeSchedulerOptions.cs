using Diffusion.Contracts;

namespace Diffusion.Plugins.ScoreSde;

/// <summary>
/// Params of <c>scheduler.vp</c> and <c>scheduler.subvp</c>: β(t) = β_min + t (β_max − β_min) on t ∈ [ε, 1]
/// (Song et al. 2021, Eq. 32; the continuous limit of DDPM's linear betas 1e-4..0.02 with N = 1000).
/// </summary>
public sealed record VpSdeSchedulerOptions
{
    [Param("beta(0); the DDPM linear schedule's beta_start * N.", Min = 0)]
    public double BetaMin { get; init; } = 0.1;

    [Param("beta(1); the DDPM linear schedule's beta_end * N.", Min = 0)]
    public double BetaMax { get; init; } = 20.0;

    [Param("Smallest time epsilon visited by samplers and sampled in training.", Min = 0, Max = 1)]
    public double Epsilon { get; init; } = 1e-3;

    [Param("Number of discrete steps N of the matching DDPM; timestep-input denoisers get t * (N - 1).", Min = 2, Max = 100_000)]
    public int TrainTimesteps { get; init; } = 1000;
}
