using Diffusion.Contracts;

namespace Diffusion.Plugins.ScoreSde;

/// <summary>
/// Params of <c>scheduler.ve</c>: the variance-exploding SDE of Song et al. 2021 (Eq. 9, 30), σ(t) = σ_min (σ_max/σ_min)^t.
/// The paper picks σ_max per dataset (Song &amp; Ermon 2020, technique 1: about the largest pairwise data distance;
/// 50 for CIFAR-10, 1348 for CelebA-HQ 256).
/// </summary>
public sealed record VeSdeSchedulerOptions
{
    [Param("Smallest noise level sigma_min (at t = 0).", Min = 1e-12)]
    public double SigmaMin { get; init; } = 0.01;

    [Param("Largest noise level sigma_max (at t = 1); about the largest distance between data points.", Min = 1e-12)]
    public double SigmaMax { get; init; } = 50.0;

    [Param("Smallest time epsilon visited by samplers and sampled in training (diffusers: sampling_eps).", Min = 0, Max = 1)]
    public double Epsilon { get; init; } = 1e-5;

    [Param("Number of discrete noise scales N; timestep-input denoisers get t * (N - 1).", Min = 2, Max = 100_000)]
    public int TrainTimesteps { get; init; } = 1000;
}
