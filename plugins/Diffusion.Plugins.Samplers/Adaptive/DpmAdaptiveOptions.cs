using Diffusion.Contracts;

namespace Diffusion.Plugins.Samplers.Adaptive;

/// <summary>
/// Params of <c>sampler.dpm_adaptive</c>: adaptive-step DPM-Solver (Lu et al. 2022, Sec. 3.3 / Algorithm 4; k-diffusion's
/// <c>sample_dpm_adaptive</c>, whose defaults these are).
/// </summary>
public sealed record DpmAdaptiveOptions
{
    [Param("Solver pair: 3 (DPM-Solver-23) or 2 (DPM-Solver-12).", Min = 2, Max = 3)]
    public int Order { get; init; } = 3;

    [Param("Relative tolerance (k-diffusion: 0.05).", Min = 0)]
    public double Rtol { get; init; } = 0.05;

    [Param("Absolute tolerance (k-diffusion: 0.0078).", Min = 0)]
    public double Atol { get; init; } = 0.0078;

    [Param("First step size in lambda = -log sigma.", Min = 1e-6)]
    public double HInit { get; init; } = 0.05;

    [Param("PID controller proportional coefficient.")]
    public double Pcoeff { get; init; }

    [Param("PID controller integral coefficient.")]
    public double Icoeff { get; init; } = 1.0;

    [Param("PID controller derivative coefficient.")]
    public double Dcoeff { get; init; }

    [Param("Accept a step when the controller's factor is at least this.", Min = 0)]
    public double AcceptSafety { get; init; } = 0.81;

    [Param("Ancestral noise amount eta (0: deterministic).", Min = 0)]
    public double Eta { get; init; }

    [Param("Scale of the ancestral noise.", Min = 0)]
    public double SNoise { get; init; } = 1.0;

    [Param("Final sigma; 0 takes the schedule's smallest sigma.", Min = 0)]
    public double SigmaMin { get; init; }

    [Param("Initial sigma; 0 takes the schedule's largest sigma.", Min = 0)]
    public double SigmaMax { get; init; }

    [Param("Maximum number of attempted steps before giving up.", Min = 1)]
    public int MaxSteps { get; init; } = 10000;
}
