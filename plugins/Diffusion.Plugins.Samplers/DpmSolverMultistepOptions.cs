using Diffusion.Contracts;

namespace Diffusion.Plugins.Samplers;

/// <summary>
/// Params of <c>sampler.dpmpp_2m</c> (and, with solver order 3, <c>sampler.dpmpp_3m</c>); names follow diffusers'
/// <c>DPMSolverMultistepScheduler</c>.
/// </summary>
public record DpmSolverMultistepOptions
{
    [Param("Algorithm: dpmsolver++ (data prediction), dpmsolver (noise prediction), sde-dpmsolver++ or sde-dpmsolver (stochastic).")]
    public DpmSolverAlgorithm AlgorithmType { get; init; } = DpmSolverAlgorithm.DpmSolverPlusPlus;

    [Param("What the denoiser predicts; null: as the denoiser declares.")]
    public PredictionType? PredictionType { get; init; }

    [Param("Solver order: 1, 2 (2M) or 3 (3M).", Min = 1, Max = 3)]
    public int SolverOrder { get; init; } = 2;

    [Param("Second-order update: midpoint or heun.")]
    public DpmSolverType SolverType { get; init; } = DpmSolverType.Midpoint;

    [Param("Lower the order in the final steps when there are fewer than 15 steps (stabilises few-step sampling).")]
    public bool LowerOrderFinal { get; init; } = true;

    [Param("Take an Euler (first-order) step at the end.")]
    public bool EulerAtFinal { get; init; }

    [Param("Dynamic thresholding of the predicted x_0 (Saharia et al. 2022, Sec. 2.3).")]
    public bool Thresholding { get; init; }

    [Param("Percentile of |x_0| used as the threshold.", Min = 0, Max = 1)]
    public double DynamicThresholdingRatio { get; init; } = 0.995;

    [Param("Largest threshold for dynamic thresholding.", Min = 1)]
    public double SampleMaxValue { get; init; } = 1.0;
}

/// <summary>Params of <c>sampler.dpmpp_3m</c>: <see cref="DpmSolverMultistepOptions"/> with solver order 3.</summary>
public sealed record Dpmpp3mSamplerOptions : DpmSolverMultistepOptions
{
    /// <summary>Order 3 by default.</summary>
    public Dpmpp3mSamplerOptions() => SolverOrder = 3;
}
