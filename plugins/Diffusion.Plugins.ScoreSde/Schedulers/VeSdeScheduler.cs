using Diffusion.Contracts;
using TorchSharp;

namespace Diffusion.Plugins.ScoreSde;

/// <summary>
/// The variance-exploding SDE dx = sqrt(d[σ²(t)]/dt) dw with σ(t) = σ_min (σ_max/σ_min)^t (Song et al. 2021, Eq. 9 and
/// Eq. 30): drift 0, diffusion g(t) = σ(t) sqrt(2 ln(σ_max/σ_min)), marginal p_0t(x | x_0) = N(x_0, σ(t)² I) (Eq. 31, with
/// the paper's approximation σ(t)² − σ(0)² ≈ σ(t)²), prior N(0, σ_max² I).
/// </summary>
/// <remarks>
/// Training: <see cref="SampleTrainingTimes"/> draws t ~ U[ε, 1] and <see cref="IScheduler.Marginal"/> gives (1, σ(t)), so
/// a trainer that fits ε with x_t = x_0 + σ(t) ε minimises the denoising score-matching objective with λ(t) = σ(t)²
/// (Song et al. 2021, Eq. 7): λ(t) ‖s_θ + ε/σ(t)‖² = ‖σ(t) s_θ + ε‖², i.e. the ε-MSE of ε_θ = −σ(t) s_θ. A score-predicting
/// denoiser trained on the target −ε/σ(t) is the same objective with weight 1 instead of σ(t)².
/// </remarks>
public sealed class VeSdeScheduler : ISdeScheduler, ISdeDiscretization
{
    private readonly double logRatio;

    /// <summary>Creates the scheduler from its node params.</summary>
    public VeSdeScheduler(VeSdeSchedulerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!(options.SigmaMin > 0) || !(options.SigmaMax > options.SigmaMin))
        {
            throw new ArgumentException($"scheduler.ve: need 0 < sigma_min < sigma_max, got sigma_min={options.SigmaMin}, sigma_max={options.SigmaMax}.", nameof(options));
        }

        if (!(options.Epsilon >= 0 && options.Epsilon < 1))
        {
            throw new ArgumentException($"scheduler.ve: epsilon must be in [0, 1), got {options.Epsilon}.", nameof(options));
        }

        if (options.TrainTimesteps < 2)
        {
            throw new ArgumentException($"scheduler.ve: train_timesteps must be at least 2, got {options.TrainTimesteps}.", nameof(options));
        }

        Options = options;
        logRatio = Math.Log(options.SigmaMax / options.SigmaMin);
    }

    /// <summary>The params this scheduler was built from.</summary>
    public VeSdeSchedulerOptions Options { get; }

    /// <inheritdoc />
    public ScheduleKind Kind => ScheduleKind.VarianceExploding;

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

    /// <summary>σ(t) = σ_min (σ_max/σ_min)^t (Song et al. 2021, Eq. 30).</summary>
    public double Sigma(double t) => Options.SigmaMin * Math.Exp(t * logRatio);

    /// <summary>Times linspace(1, ε, N) and σ(t_i), then a final 0.</summary>
    public InferenceSchedule CreateInferenceSchedule(int steps)
    {
        var times = SdeGrid.Times(EndTime, Epsilon, steps);
        return new InferenceSchedule
        {
            Timesteps = times,
            Sigmas = [.. times.Select(Sigma), 0.0],
        };
    }

    /// <inheritdoc />
    public (torch.Tensor Alpha, torch.Tensor Sigma) Marginal(torch.Tensor time)
    {
        ArgumentNullException.ThrowIfNull(time);
        using var scope = torch.NewDisposeScope();
        var t = time.to_type(torch.ScalarType.Float64);
        var sigma = Options.SigmaMin * (t * logRatio).exp();
        return (torch.ones_like(t).MoveToOuterDisposeScope(), sigma.MoveToOuterDisposeScope());
    }

    /// <inheritdoc />
    public torch.Tensor SampleTrainingTimes(long batch, torch.Generator generator) =>
        SdeTrainingTimes.Uniform(batch, Epsilon, EndTime, generator);

    /// <summary>f = 0, g(t) = σ(t) sqrt(2 ln(σ_max/σ_min)) (Song et al. 2021, Eq. 9 with Eq. 30).</summary>
    public (torch.Tensor Drift, torch.Tensor Diffusion) Sde(torch.Tensor x, torch.Tensor time)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(time);
        using var scope = torch.NewDisposeScope();
        var t = time.to_type(torch.ScalarType.Float64);
        var g = Options.SigmaMin * (t * logRatio).exp() * Math.Sqrt(2 * logRatio);
        return (torch.zeros_like(x).MoveToOuterDisposeScope(), g.MoveToOuterDisposeScope());
    }

    /// <summary>x_T ~ N(0, σ_max² I), drawn as float32 on the CPU (diffusers: randn · init_noise_sigma).</summary>
    public torch.Tensor PriorSample(long[] shape, torch.Generator generator)
    {
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentNullException.ThrowIfNull(generator);
        using var scope = torch.NewDisposeScope();
        return (torch.randn(shape, torch.ScalarType.Float32, torch.CPU, generator: generator) * Options.SigmaMax).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The SMLD chain on N geometric levels σ_i = exp(linspace(ln σ_min, ln σ_max, N))_i (float32, as the reference code
    /// and diffusers build it): f_i = 0, G_i = sqrt(σ_i² − σ_{i−1}²) with σ_{−1} = 0 (Song et al. 2021, Eq. 46).
    /// </summary>
    (torch.Tensor Drift, torch.Tensor Diffusion) ISdeDiscretization.Discretize(torch.Tensor x, double t, int levels)
    {
        using var scope = torch.NewDisposeScope();
        var table = DiscreteSigmas(levels);
        int level = SdeGrid.Level(t, EndTime, levels);
        float sigma = table[level];
        float adjacent = level == 0 ? 0f : table[level - 1];
        float g = MathF.Sqrt((sigma * sigma) - (adjacent * adjacent));
        return (torch.zeros_like(x).MoveToOuterDisposeScope(), SdeGrid.Filled(x.shape[0], g, x.device).MoveToOuterDisposeScope());
    }

    /// <inheritdoc />
    double ISdeDiscretization.LangevinAlpha(double t, int levels) => 1.0;

    /// <summary>exp(linspace(ln σ_min, ln σ_max, N)) in float32, diffusers' <c>discrete_sigmas</c>.</summary>
    private float[] DiscreteSigmas(int levels)
    {
        using var scope = torch.NewDisposeScope();
        return torch.linspace(Math.Log(Options.SigmaMin), Math.Log(Options.SigmaMax), levels, torch.ScalarType.Float32).exp().data<float>().ToArray();
    }
}
