using Diffusion.Contracts;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Plugins.Schedules;

/// <summary>
/// A discrete variance-preserving schedule: q(x_t | x_0) = N(sqrt(ᾱ_t) x_0, (1 − ᾱ_t) I) for t = 0..T−1 (Ho et al. 2020,
/// Eq. 4), with diffusers' rules for the inference timesteps and the sigma view σ_t = sqrt((1 − ᾱ_t)/ᾱ_t) that
/// sigma-space samplers use (Karras et al. 2022, Table 1). Immutable; the tables are computed once.
/// </summary>
public sealed class DiscreteScheduler : IScheduler
{
    // Euler/DPM-Solver replace ᾱ_{T−1} = 0 of a zero-terminal-SNR schedule by 2^-24 in the sigma view so σ stays finite.
    // Only then: a schedule that merely gets small (squaredcos_cap_v2 ends at ᾱ ≈ 2.4e-9) keeps its own σ_max.
    private const double ZeroSnrTerminalAlphaCumprod = 1.0 / (1 << 24);

    private readonly double[] alphasCumprod;
    private readonly double[] trainSigmas;
    private readonly double[] logTrainSigmas;
    private readonly bool float32Tables;
    private readonly int lastTimestep;

    /// <summary>Builds the tables from validated options.</summary>
    public DiscreteScheduler(DiscreteSchedulerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.NumTrainTimesteps);
        Options = options;
        float32Tables = options.TablePrecision switch
        {
            "float32" => true,
            "float64" => false,
            _ => throw new ArgumentException($"scheduler.discrete: table_precision '{options.TablePrecision}' is unknown; use float32 or float64."),
        };
        if (options.InterpolationType != "linear")
        {
            throw new ArgumentException($"scheduler.discrete: interpolation_type '{options.InterpolationType}' is not supported; use linear.");
        }

        var precision = float32Tables ? float32 : float64;
        alphasCumprod = BetaSchedules.AlphasCumprod(options, precision);
        (trainSigmas, logTrainSigmas, lastTimestep) = SigmaTables(precision);
    }

    /// <summary>The options this schedule was built from.</summary>
    public DiscreteSchedulerOptions Options { get; }

    /// <inheritdoc />
    public ScheduleKind Kind => ScheduleKind.Discrete;

    /// <inheritdoc />
    public ScheduleFeatures Features => ScheduleFeatures.AlphasCumprod | ScheduleFeatures.Sigmas;

    /// <inheritdoc />
    public int TrainTimesteps => Options.NumTrainTimesteps;

    /// <inheritdoc />
    public IReadOnlyList<double> AlphasCumprod => alphasCumprod;

    /// <summary>σ_t = sqrt((1 − ᾱ_t)/ᾱ_t) for t = 0..T−1 (increasing).</summary>
    public IReadOnlyList<double> TrainSigmas => trainSigmas;

    /// <inheritdoc />
    public InferenceSchedule CreateInferenceSchedule(int steps)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(steps);
        int T = Options.NumTrainTimesteps;
        if (steps > T)
        {
            throw new ArgumentOutOfRangeException(nameof(steps), steps,
                $"scheduler.discrete: {steps} inference steps cannot exceed num_train_timesteps = {T}.");
        }

        var timesteps = TimestepSpacing.Create(Options.TimestepSpacing, T, steps, Options.StepsOffset, Options.IntegerTimesteps, lastTimestep);
        if (timesteps.Length == 0)
        {
            throw new ArgumentException(
                $"scheduler.discrete: lambda_min_clipped {Options.LambdaMinClipped} leaves no timestep for {steps} steps; lower it or use more steps.");
        }

        if (timesteps.Any(t => t < 0 || t > T - 1))
        {
            throw new ArgumentException(
                $"scheduler.discrete: timestep_spacing '{Options.TimestepSpacing}' with steps_offset {Options.StepsOffset} gives timesteps outside [0, {T - 1}].");
        }

        var spacedSigmas = timesteps.Select(t => SigmaSchedules.Interpolate(trainSigmas, t)).ToArray();
        double[] sigmas;
        switch (Options.SigmaSchedule)
        {
            case "interpolated":
                sigmas = spacedSigmas;
                break;
            case "karras":
            case "exponential":
                var (low, high) = SigmaRange(spacedSigmas);
                sigmas = Options.SigmaSchedule == "karras"
                    ? SigmaSchedules.Karras(low, high, timesteps.Length)
                    : SigmaSchedules.Exponential(low, high, timesteps.Length);
                timesteps = sigmas.Select(s => SigmaSchedules.SigmaToT(s, logTrainSigmas, Store))
                    .Select(t => Options.RoundSigmaTimesteps ? Math.Round(t, MidpointRounding.ToEven) : t)
                    // DPM-Solver stores its timesteps as int64, which truncates the fractional ones toward zero.
                    .Select(t => Options.IntegerSigmaTimesteps ? Math.Truncate(t) : Store(t))
                    .ToArray();
                break;
            default:
                throw new ArgumentException(
                    $"scheduler.discrete: sigma_schedule '{Options.SigmaSchedule}' is unknown; use interpolated, karras or exponential.");
        }

        double finalSigma = Options.FinalSigma switch
        {
            "zero" => 0.0,
            "sigma_min" => trainSigmas[0],
            _ => throw new ArgumentException($"scheduler.discrete: final_sigma '{Options.FinalSigma}' is unknown; use zero or sigma_min."),
        };

        return new InferenceSchedule
        {
            Timesteps = timesteps,
            Sigmas = [.. sigmas.Select(Store), Store(finalSigma)],
            FinalAlphaCumprod = Options.SetAlphaToOne ? 1.0 : alphasCumprod[0],
        };
    }

    /// <inheritdoc />
    public (Tensor Alpha, Tensor Sigma) Marginal(Tensor time)
    {
        ArgumentNullException.ThrowIfNull(time);
        using var scope = NewDisposeScope();
        var table = tensor(alphasCumprod, float64, time.device);
        Tensor alphaCumprod;
        if (!torch.is_floating_point(time))
        {
            alphaCumprod = table.index_select(0, time.to(int64).flatten().clamp(0, TrainTimesteps - 1));
        }
        else
        {
            // Fractional timesteps: linear interpolation of ᾱ between neighbouring training timesteps.
            var t = time.to(float64).flatten().clamp(0, TrainTimesteps - 1);
            var low = t.floor().to(int64);
            var high = (low + 1).clamp_max(TrainTimesteps - 1);
            var w = t - low.to(float64);
            alphaCumprod = table.index_select(0, low) * (1 - w) + table.index_select(0, high) * w;
        }

        var alpha = alphaCumprod.sqrt();
        var sigma = (1 - alphaCumprod).sqrt();
        return (alpha.MoveToOuterDisposeScope(), sigma.MoveToOuterDisposeScope());
    }

    /// <inheritdoc />
    public Tensor SampleTrainingTimes(long batch, Generator generator)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batch);
        return randint(0, TrainTimesteps, [batch], dtype: int64, generator: generator);
    }

    /// <summary>
    /// σ_t = sqrt((1 − ᾱ_t)/ᾱ_t) and log σ_t (Karras et al. 2022, Table 1), op by op in the table precision as diffusers
    /// computes them, and the last timestep DPM-Solver keeps when λ_t = log α_t − log σ_t is clipped from below
    /// (Lu et al. 2022, DPM-Solver++, Sec. 5: lambda_min_clipped for cosine schedules).
    /// </summary>
    private (double[] Sigmas, double[] LogSigmas, int LastTimestep) SigmaTables(ScalarType precision)
    {
        using var scope = NewDisposeScope();
        var alphaCumprod = tensor(alphasCumprod, float64).to(precision);
        if (Options.RescaleBetasZeroSnr)
        {
            alphaCumprod[-1] = tensor(ZeroSnrTerminalAlphaCumprod, precision);
        }

        var sigmas = ((1 - alphaCumprod) / alphaCumprod).sqrt();
        var logSigmas = sigmas.log();
        int last = Options.NumTrainTimesteps;
        if (Options.LambdaMinClipped is { } clip)
        {
            // diffusers: T − searchsorted(flip(λ), clip), i.e. drop the timesteps whose λ is below the clip.
            var lambda = alphaCumprod.sqrt().log() - (1 - alphaCumprod).sqrt().log();
            last -= (int)(lambda < clip).sum().item<long>();
        }

        return (ToDoubles(sigmas), ToDoubles(logSigmas), last);
    }

    private static double[] ToDoubles(Tensor values) => values.to(float64).data<double>().ToArray();

    private (double Low, double High) SigmaRange(double[] spacedSigmas)
    {
        bool fromTrain = Options.SigmaRange switch
        {
            "spaced" => false,
            "train" => true,
            _ => throw new ArgumentException($"scheduler.discrete: sigma_range '{Options.SigmaRange}' is unknown; use spaced or train."),
        };
        double low = Options.SigmaMin ?? (fromTrain ? trainSigmas[0] : spacedSigmas[^1]);
        double high = Options.SigmaMax ?? (fromTrain ? trainSigmas[^1] : spacedSigmas[0]);
        return (low, high);
    }

    // Tables diffusers keeps in float32 are rounded the same way, so timesteps and sigmas match it exactly.
    private double Store(double value) => float32Tables ? (float)value : value;
}
