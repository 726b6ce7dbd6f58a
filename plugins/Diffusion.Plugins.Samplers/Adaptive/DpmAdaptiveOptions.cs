using Diffusion.Contracts;

namespace Diffusion.Plugins.Samplers.Adaptive;

/// <summary>
/// Params of <c>sampler.dpm_adaptive</c>: adaptive-step DPM-Solver (Lu et al. 2022, Sec. 3.3 / Algorithm 4; k-diffusion's
/// <c>sample_dpm_adaptive</c>, whose defaults these are).
/// </summary>
public sealed record DpmAdaptiveOptions
{
    /// <summary>3: DPM-Solver-2 vs -3 pair (DPM-Solver-23); 2: DPM-Solver-1 vs -2 (DPM-Solver-12).</summary>
    [Param("Solver pair: 3 (DPM-Solver-23) or 2 (DPM-Solver-12).", Min = 2, Max = 3)]
    public int Order { get; init; } = 3;

    /// <summary>Relative tolerance of the error estimate.</summary>
    [Param("Relative tolerance (k-diffusion: 0.05).", Min = 0)]
    public double Rtol { get; init; } = 0.05;

    /// <summary>Absolute tolerance (k-diffusion: 0.0078, about 1/128 of the data range [-1, 1]).</summary>
    [Param("Absolute tolerance (k-diffusion: 0.0078).", Min = 0)]
    public double Atol { get; init; } = 0.0078;

    /// <summary>First step in λ = −log σ.</summary>
    [Param("First step size in lambda = -log sigma.", Min = 1e-6)]
    public double HInit { get; init; } = 0.05;

    /// <summary>Proportional coefficient of the PID step-size controller.</summary>
    [Param("PID controller proportional coefficient.")]
    public double Pcoeff { get; init; }

    /// <summary>Integral coefficient of the PID step-size controller.</summary>
    [Param("PID controller integral coefficient.")]
    public double Icoeff { get; init; } = 1.0;

    /// <summary>Derivative coefficient of the PID step-size controller.</summary>
    [Param("PID controller derivative coefficient.")]
    public double Dcoeff { get; init; }

    /// <summary>A step is accepted when the proposed factor is at least this.</summary>
    [Param("Accept a step when the controller's factor is at least this.", Min = 0)]
    public double AcceptSafety { get; init; } = 0.81;

    /// <summary>Ancestral noise (0: deterministic ODE solver).</summary>
    [Param("Ancestral noise amount eta (0: deterministic).", Min = 0)]
    public double Eta { get; init; }

    /// <summary>Scale of the ancestral noise.</summary>
    [Param("Scale of the ancestral noise.", Min = 0)]
    public double SNoise { get; init; } = 1.0;

    /// <summary>σ to stop at; 0 takes the schedule's smallest σ.</summary>
    [Param("Final sigma; 0 takes the schedule's smallest sigma.", Min = 0)]
    public double SigmaMin { get; init; }

    /// <summary>σ to start from; 0 takes the schedule's largest σ.</summary>
    [Param("Initial sigma; 0 takes the schedule's largest sigma.", Min = 0)]
    public double SigmaMax { get; init; }

    /// <summary>Cap on accepted plus rejected steps.</summary>
    [Param("Maximum number of attempted steps before giving up.", Min = 1)]
    public int MaxSteps { get; init; } = 10000;
}
