using Diffusion.Contracts;
using TorchSharp;

namespace Diffusion.Plugins.ScoreSde;

/// <summary>
/// The variance-preserving SDE dx = −½ β(t) x dt + sqrt(β(t)) dw (Song et al. 2021, Eq. 11 and Eq. 32), the continuous
/// limit of DDPM. Marginal p_0t(x | x_0) = N(α_t x_0, σ_t² I) with α_t = exp(−½ ∫₀ᵗ β) and σ_t² = 1 − α_t² (Eq. 33);
/// prior N(0, I).
/// </summary>
/// <remarks>
/// Training: t ~ U[ε, 1] from <see cref="SampleTrainingTimes"/> with (α_t, σ_t) from <see cref="Marginal"/>; fitting
/// ε on x_t = α_t x_0 + σ_t ε is denoising score matching with λ(t) = σ_t² (Song et al. 2021, Eq. 7 and the choice
/// λ ∝ 1/E‖∇ log p_0t‖² = σ_t² below it), since s_θ = −ε_θ/σ_t.
/// </remarks>
public sealed class VpSdeScheduler : ISdeScheduler, ISdeDiscretization
{
    private readonly LinearBeta beta;

    /// <summary>Creates the scheduler from its node params.</summary>
    public VpSdeScheduler(VpSdeSchedulerOptions options)
    {
        LinearBeta.Validate(options, "scheduler.vp");
        Options = options;
        beta = new LinearBeta(options.BetaMin, options.BetaMax);
    }

    /// <summary>The params this scheduler was built from.</summary>
    public VpSdeSchedulerOptions Options { get; }

    /// <inheritdoc />
    public ScheduleKind Kind => ScheduleKind.VariancePreserving;

    /// <inheritdoc />
    public ScheduleFeatures Features => ScheduleFeatures.Sde;

    /// <inheritdoc />
    public int TrainTimesteps => Options.TrainTimesteps;

    /// <inheritdoc />
    public IReadOnlyList<double> AlphasCumprod => [];

    /// <inheritdoc />
    public double EndTime => 1.0;

    /// <inheritdoc />
    public double Epsilon => Options.Epsilon;

    /// <summary>Times linspace(1, ε, N); sigmas σ_t/α_t (the noise level of x/α_t, Karras et al. 2022 Table 1), then 0.</summary>
    public InferenceSchedule CreateInferenceSchedule(int steps)
    {
        var times = SdeGrid.Times(EndTime, Epsilon, steps);
        using var scope = torch.NewDisposeScope();
        var (alpha, sigma) = Marginal(torch.tensor(times, torch.ScalarType.Float64));
        var sigmas = (sigma / alpha).data<double>().ToArray();
        return new InferenceSchedule { Timesteps = times, Sigmas = [.. sigmas, 0.0] };
    }

    /// <summary>α_t = exp(m), σ_t = sqrt(1 − exp(2m)) with m = −¼ t² (β_max − β_min) − ½ t β_min (Song et al. 2021, Eq. 33).</summary>
    public (torch.Tensor Alpha, torch.Tensor Sigma) Marginal(torch.Tensor time)
    {
        ArgumentNullException.ThrowIfNull(time);
        using var scope = torch.NewDisposeScope();
        var m = beta.LogMeanCoefficient(time.to_type(torch.ScalarType.Float64));
        var alpha = m.exp();
        var sigma = (-torch.expm1(2 * m)).sqrt();
        return (alpha.MoveToOuterDisposeScope(), sigma.MoveToOuterDisposeScope());
    }

    /// <inheritdoc />
    public torch.Tensor SampleTrainingTimes(long batch, torch.Generator generator) =>
        SdeTrainingTimes.Uniform(batch, Epsilon, EndTime, generator);

    /// <summary>f = −½ β(t) x, g = sqrt(β(t)) (Song et al. 2021, Eq. 11).</summary>
    public (torch.Tensor Drift, torch.Tensor Diffusion) Sde(torch.Tensor x, torch.Tensor time)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(time);
        using var scope = torch.NewDisposeScope();
        var betaT = beta.Beta(time.to_type(torch.ScalarType.Float64));
        var drift = -0.5 * IScheduler.Broadcast(betaT, x) * x;
        return (drift.MoveToOuterDisposeScope(), betaT.sqrt().MoveToOuterDisposeScope());
    }

    /// <summary>x_T ~ N(0, I), float32 on the CPU.</summary>
    public torch.Tensor PriorSample(long[] shape, torch.Generator generator)
    {
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentNullException.ThrowIfNull(generator);
        return torch.randn(shape, torch.ScalarType.Float32, torch.CPU, generator: generator);
    }

    /// <summary>The DDPM chain: f_i = (sqrt(1 − β_i) − 1) x, G_i = sqrt(β_i) (Song et al. 2021, Eq. 47 and Appendix E).</summary>
    (torch.Tensor Drift, torch.Tensor Diffusion) ISdeDiscretization.Discretize(torch.Tensor x, double t, int levels)
    {
        double betaI = beta.DiscreteBeta(SdeGrid.Level(t, EndTime, levels), levels);
        using var scope = torch.NewDisposeScope();
        var drift = (Math.Sqrt(1 - betaI) - 1) * x;
        return (drift.MoveToOuterDisposeScope(), SdeGrid.Filled(x.shape[0], Math.Sqrt(betaI), x.device).MoveToOuterDisposeScope());
    }

    /// <summary>α_i = 1 − β_i (Algorithm 5).</summary>
    double ISdeDiscretization.LangevinAlpha(double t, int levels) =>
        1 - beta.DiscreteBeta(SdeGrid.Level(t, EndTime, levels), levels);
}
