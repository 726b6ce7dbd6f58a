using Diffusion.Contracts;

namespace Diffusion.Plugins.Samplers;

/// <summary>
/// Params of <c>sampler.dpmpp_2m</c> (and, with solver order 3, <c>sampler.dpmpp_3m</c>); names follow diffusers'
/// <c>DPMSolverMultistepScheduler</c>.
/// </summary>
public record DpmSolverMultistepOptions
{
    /// <summary>
    /// The solver family: dpmsolver++ (data prediction, Lu et al. 2022b), dpmsolver (noise prediction, Lu et al. 2022a), or
    /// their SDE variants that add fresh noise every step.
    /// </summary>
    [Param("Algorithm: dpmsolver++ (data prediction), dpmsolver (noise prediction), sde-dpmsolver++ or sde-dpmsolver (stochastic).",
        Choices = ["dpmsolver++", "dpmsolver", "sde-dpmsolver++", "sde-dpmsolver"])]
    public string AlgorithmType { get; init; } = "dpmsolver++";

    /// <summary>What the denoiser predicts; <c>auto</c> reads it from the denoiser.</summary>
    [Param("What the denoiser predicts (auto: as the denoiser declares).", Choices = ["auto", "epsilon", "v_prediction", "sample"])]
    public string PredictionType { get; init; } = "auto";

    /// <summary>Order of the multistep solver (1, 2 or 3).</summary>
    [Param("Solver order: 1, 2 (2M) or 3 (3M).", Min = 1, Max = 3)]
    public int SolverOrder { get; init; } = 2;

    /// <summary>The second-order formula (Lu et al. 2022, DPM-Solver++ Algorithm 2 is midpoint).</summary>
    [Param("Second-order update: midpoint or heun.", Choices = ["midpoint", "heun"])]
    public string SolverType { get; init; } = "midpoint";

    /// <summary>Use lower orders for the last steps when there are fewer than 15 (stabilises few-step sampling).</summary>
    [Param("Lower the order in the final steps when there are fewer than 15 steps.")]
    public bool LowerOrderFinal { get; init; } = true;

    /// <summary>Always take a first-order step last.</summary>
    [Param("Take an Euler (first-order) step at the end.")]
    public bool EulerAtFinal { get; init; }

    /// <summary>Dynamic thresholding of the data prediction (Saharia et al. 2022, Sec. 2.3).</summary>
    [Param("Dynamic thresholding of the predicted x_0 (Saharia et al. 2022).")]
    public bool Thresholding { get; init; }

    /// <summary>The percentile of |x_0| used as the threshold.</summary>
    [Param("Percentile of |x_0| used as the threshold.", Min = 0, Max = 1)]
    public double DynamicThresholdingRatio { get; init; } = 0.995;

    /// <summary>The largest threshold.</summary>
    [Param("Largest threshold for dynamic thresholding.", Min = 1)]
    public double SampleMaxValue { get; init; } = 1.0;
}

/// <summary>Params of <c>sampler.dpmpp_3m</c>: <see cref="DpmSolverMultistepOptions"/> with solver order 3.</summary>
public sealed record Dpmpp3mSamplerOptions : DpmSolverMultistepOptions
{
    /// <summary>Order 3 by default.</summary>
    public Dpmpp3mSamplerOptions() => SolverOrder = 3;
}
