using Diffusion.Contracts;

namespace Diffusion.Plugins.ScoreSde;

/// <summary>
/// Params of <c>scheduler.ve</c>: the variance-exploding SDE of Song et al. 2021 (Eq. 9, 30), σ(t) = σ_min (σ_max/σ_min)^t.
/// The paper picks σ_max per dataset (Song &amp; Ermon 2020, technique 1: about the largest pairwise data distance;
/// 50 for CIFAR-10, 1348 for CelebA-HQ 256).
/// </summary>
public sealed record VeSdeSchedulerOptions
{
    /// <summary>σ_min, the noise level at t = 0.</summary>
    [Param("Smallest noise level sigma_min (at t = 0).", Min = 1e-12)]
    public double SigmaMin { get; init; } = 0.01;

    /// <summary>σ_max, the noise level at t = 1 and the prior's standard deviation.</summary>
    [Param("Largest noise level sigma_max (at t = 1); about the largest distance between data points.", Min = 1e-12)]
    public double SigmaMax { get; init; } = 50.0;

    /// <summary>ε, the last time visited by samplers and the smallest training time.</summary>
    [Param("Smallest time epsilon visited by samplers and sampled in training (diffusers: sampling_eps).", Min = 0, Max = 1)]
    public double Epsilon { get; init; } = 1e-5;

    /// <summary>T of the discretisation: used to turn t into a timestep t·(T−1) for denoisers that take timesteps.</summary>
    [Param("Number of discrete noise scales N; timestep-input denoisers get t * (N - 1).", Min = 2, Max = 100_000)]
    public int TrainTimesteps { get; init; } = 1000;
}
