using Diffusion.Contracts;

namespace Diffusion.Plugins.Schedules;

/// <summary>
/// Params of <c>scheduler.discrete</c>: a discrete variance-preserving schedule (β_1..β_T, ᾱ_t = Π(1 − β_s)) and the
/// rules diffusers uses to pick N inference timesteps and their noise levels σ. Field names and defaults follow
/// diffusers' <c>DDIMScheduler</c>/<c>EulerDiscreteScheduler</c> configs so a <c>scheduler_config.json</c> maps field by field.
/// </summary>
public sealed record DiscreteSchedulerOptions
{
    [Param("Number of training timesteps T.", Min = 1, Max = 100_000)]
    public int NumTrainTimesteps { get; init; } = 1000;

    [Param("β at the first timestep (linear, scaled_linear).", Min = 0, Max = 1)]
    public double BetaStart { get; init; } = 0.0001;

    [Param("β at the last timestep (linear, scaled_linear).", Min = 0, Max = 1)]
    public double BetaEnd { get; init; } = 0.02;

    [Param("β schedule: linear (Ho et al. 2020), scaled_linear (Stable Diffusion), squaredcos_cap_v2 (Nichol & Dhariwal 2021), exp (ᾱ = e^(−12t)), laplace (Hang et al. 2024), sigmoid (GeoDiff).",
        Choices = ["linear", "scaled_linear", "squaredcos_cap_v2", "exp", "laplace", "sigmoid"])]
    public string BetaSchedule { get; init; } = "linear";

    [Param("Explicit betas, one per training timestep; overrides beta_schedule.")]
    public IReadOnlyList<double>? TrainedBetas { get; init; }

    [Param("Timestep spacing (Lin et al. 2024, Table 2): leading, trailing, linspace; linspace_n_plus_1 / leading_n_plus_1 place N+1 points and drop t=0 (DPM-Solver's rule).",
        Choices = ["leading", "trailing", "linspace", "linspace_n_plus_1", "leading_n_plus_1"])]
    public string TimestepSpacing { get; init; } = "leading";

    [Param("Offset added to leading-spaced timesteps.", Min = 0, Max = 100_000)]
    public int StepsOffset { get; init; }

    [Param("Round linspace timesteps to integers (true for DDPM/DDIM/PNDM, false for the Euler family).")]
    public bool IntegerTimesteps { get; init; } = true;

    [Param("Use ᾱ = 1 for the step after the last (else ᾱ_0).")]
    public bool SetAlphaToOne { get; init; } = true;

    [Param("Rescale betas to zero terminal SNR (Lin et al. 2024, Algorithm 1).")]
    public bool RescaleBetasZeroSnr { get; init; }

    [Param("Sigmas: interpolated at the timesteps, karras (Karras et al. 2022, Eq. 5, rho 7) or exponential (log-uniform).",
        Choices = ["interpolated", "karras", "exponential"])]
    public string SigmaSchedule { get; init; } = "interpolated";

    [Param("Smallest sigma of karras/exponential sigmas (null: from the schedule).", Min = 0)]
    public double? SigmaMin { get; init; }

    [Param("Largest sigma of karras/exponential sigmas (null: from the schedule).", Min = 0)]
    public double? SigmaMax { get; init; }

    [Param("Range of karras/exponential sigmas: the spaced timesteps' sigmas, or the whole training table (DPM-Solver).",
        Choices = ["spaced", "train"])]
    public string SigmaRange { get; init; } = "spaced";

    [Param("Round the timesteps that karras/exponential sigmas map back to.")]
    public bool RoundSigmaTimesteps { get; init; }

    [Param("Truncate the timesteps that karras/exponential sigmas map back to (after rounding, if any) to integers, as DPM-Solver's int64 timesteps.")]
    public bool IntegerSigmaTimesteps { get; init; }

    [Param("Drop the noisiest timesteps whose log-SNR is below this (DPM-Solver's lambda_min_clipped; null: no clipping).")]
    public double? LambdaMinClipped { get; init; }

    [Param("Final sigma: zero, or sigma_min (σ at t=0).", Choices = ["zero", "sigma_min"])]
    public string FinalSigma { get; init; } = "zero";

    [Param("Interpolation of sigma between training timesteps.", Choices = ["linear"])]
    public string InterpolationType { get; init; } = "linear";

    [Param("Precision of the stored tables: float32 reproduces diffusers (and the tables models were trained on), float64 is exact.",
        Choices = ["float32", "float64"])]
    public string TablePrecision { get; init; } = "float32";
}
