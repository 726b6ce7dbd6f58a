using Diffusion.Contracts;
using TorchSharp;

namespace Diffusion.Plugins.ScoreSde;

/// <summary>
/// The sub-VP SDE dx = −½ β(t) x dt + sqrt(β(t) (1 − exp(−2 ∫₀ᵗ β))) dw (Song et al. 2021, Eq. 12 and Eq. 34): the VP
/// drift with a smaller diffusion, whose marginal variance never exceeds the VP one. p_0t(x | x_0) = N(α_t x_0, σ_t² I)
/// with α_t = exp(−½ ∫₀ᵗ β) and σ_t = 1 − α_t² (Eq. 29); prior N(0, I).
/// </summary>
/// <remarks>
/// Training: t ~ U[ε, 1] and (α_t, σ_t) from <see cref="Marginal"/>; ε-MSE equals denoising score matching with
/// λ(t) = σ_t² (Song et al. 2021, Eq. 7). The reverse-diffusion predictor uses the Euler–Maruyama discretisation
/// f_i = f Δt, G_i = g sqrt(Δt), Δt = 1/N (the reference code's default <c>SDE.discretize</c>).
/// </remarks>
public sealed class SubVpSdeScheduler : ISdeScheduler, ISdeDiscretization
{
    private readonly LinearBeta beta;

    /// <summary>Creates the scheduler from its node params.</summary>
    public SubVpSdeScheduler(VpSdeSchedulerOptions options)
    {
        LinearBeta.Validate(options, "scheduler.subvp");
        Options = options;
        beta = new LinearBeta(options.BetaMin, options.BetaMax);
    }

    /// <summary>The params this scheduler was built from.</summary>
    public VpSdeSchedulerOptions Options { get; }

    /// <inheritdoc />
    public ScheduleKind Kind => ScheduleKind.SubVariancePreserving;

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

    /// <summary>Times linspace(1, ε, N); sigmas σ_t/α_t, then 0.</summary>
    public InferenceSchedule CreateInferenceSchedule(int steps)
    {
        var times = SdeGrid.Times(EndTime, Epsilon, steps);
        using var scope = torch.NewDisposeScope();
        var (alpha, sigma) = Marginal(torch.tensor(times, torch.ScalarType.Float64));
        var sigmas = (sigma / alpha).data<double>().ToArray();
        return new InferenceSchedule { Timesteps = times, Sigmas = [.. sigmas, 0.0] };
    }

    /// <summary>α_t = exp(m), σ_t = 1 − exp(2m), m = −¼ t² (β_max − β_min) − ½ t β_min (Song et al. 2021, Eq. 29).</summary>
    public (torch.Tensor Alpha, torch.Tensor Sigma) Marginal(torch.Tensor time)
    {
        ArgumentNullException.ThrowIfNull(time);
        using var scope = torch.NewDisposeScope();
        var m = beta.LogMeanCoefficient(time.to_type(torch.ScalarType.Float64));
        return (m.exp().MoveToOuterDisposeScope(), (-torch.expm1(2 * m)).MoveToOuterDisposeScope());
    }

    /// <inheritdoc />
    public torch.Tensor SampleTrainingTimes(long batch, torch.Generator generator) =>
        SdeTrainingTimes.Uniform(batch, Epsilon, EndTime, generator);

    /// <summary>f = −½ β(t) x, g = sqrt(β(t) (1 − exp(−2 β_min t − (β_max − β_min) t²))) (Song et al. 2021, Eq. 34).</summary>
    public (torch.Tensor Drift, torch.Tensor Diffusion) Sde(torch.Tensor x, torch.Tensor time)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(time);
        using var scope = torch.NewDisposeScope();
        var t = time.to_type(torch.ScalarType.Float64);
        var betaT = beta.Beta(t);
        var discount = -torch.expm1(4 * beta.LogMeanCoefficient(t));
        var drift = -0.5 * IScheduler.Broadcast(betaT, x) * x;
        return (drift.MoveToOuterDisposeScope(), (betaT * discount).sqrt().MoveToOuterDisposeScope());
    }

    /// <summary>x_T ~ N(0, I), float32 on the CPU.</summary>
    public torch.Tensor PriorSample(long[] shape, torch.Generator generator)
    {
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentNullException.ThrowIfNull(generator);
        return torch.randn(shape, torch.ScalarType.Float32, torch.CPU, generator: generator);
    }

    /// <summary>Euler–Maruyama: f_i = f(x, t)/N, G_i = g(t)/sqrt(N) (Song et al. 2021, Appendix E, the default discretisation).</summary>
    (torch.Tensor Drift, torch.Tensor Diffusion) ISdeDiscretization.Discretize(torch.Tensor x, double t, int levels)
    {
        using var scope = torch.NewDisposeScope();
        var (drift, g) = Sde(x, SdeGrid.TimeLike(x, t));
        double dt = EndTime / levels;
        return ((drift * dt).MoveToOuterDisposeScope(), (g * Math.Sqrt(dt)).MoveToOuterDisposeScope());
    }

    /// <summary>α_i = 1 − β_i of the matching discrete chain (Algorithm 5, as for VP).</summary>
    double ISdeDiscretization.LangevinAlpha(double t, int levels) =>
        1 - beta.DiscreteBeta(SdeGrid.Level(t, EndTime, levels), levels);
}
