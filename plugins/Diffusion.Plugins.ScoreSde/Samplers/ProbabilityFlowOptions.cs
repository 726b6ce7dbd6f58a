using Diffusion.Contracts;

namespace Diffusion.Plugins.ScoreSde;

/// <summary>Params of <c>sampler.probability_flow</c>, the probability-flow ODE sampler (Song et al. 2021, Eq. 13, Appendix D).</summary>
public sealed record ProbabilityFlowOptions
{
    [Param("Integrator: euler, heun, rk4 (fixed steps = the sample node's steps) or dopri5 (adaptive Dormand-Prince 5(4)).", Choices = ["euler", "heun", "rk4", "dopri5"])]
    public string Method { get; init; } = "dopri5";

    [Param("dopri5 relative tolerance (the paper: 1e-5).", Min = 0)]
    public double Rtol { get; init; } = 1e-5;

    [Param("dopri5 absolute tolerance (the paper: 1e-5).", Min = 0)]
    public double Atol { get; init; } = 1e-5;

    [Param("dopri5 first step size |h| in time units; 0 picks it automatically.", Min = 0)]
    public double HInit { get; init; }

    [Param("dopri5 step-size safety factor.", Min = 0, Max = 1)]
    public double Safety { get; init; } = 0.9;

    [Param("dopri5 smallest step-size factor per step.", Min = 0, Max = 1)]
    public double MinFactor { get; init; } = 0.2;

    [Param("dopri5 largest step-size factor per step.", Min = 1)]
    public double MaxFactor { get; init; } = 10.0;

    [Param("dopri5 maximum number of denoiser evaluations before giving up.", Min = 1, Max = 10_000_000)]
    public int MaxEvaluations { get; init; } = 10000;

    [Param("Finish with the denoised estimate at t = epsilon (one extra evaluation), as the paper's code does.")]
    public bool Denoise { get; init; }
}
