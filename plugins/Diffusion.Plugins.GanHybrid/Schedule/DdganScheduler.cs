using Diffusion.Contracts;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Plugins.GanHybrid;

/// <summary>
/// The discretised VP schedule of Denoising Diffusion GANs (Xiao, Kreis, Vahdat 2022, App. C "noise schedule"; the
/// authors' <c>get_sigma_schedule</c>): with τ_k = ε + (1 − ε) k/T for k = 0..T and the VP SDE's
/// ᾱ(τ) = exp(−β_min τ − ½ (β_max − β_min) τ²) (the VP SDE's perturbation kernel, Song et al. 2021, App. B),
/// β_k = 1 − ᾱ(τ_k)/ᾱ(τ_{k−1}), which for ε = 0 is the paper's β_t = 1 − exp(−β_min/T − ½ (β_max − β_min)(2t − 1)/T²).
/// Timestep index i = 0..T−1 is level k = i + 1 (ᾱ_i = Π_{k ≤ i+1} (1 − β_k)); index −1 is the data. A sampler walks
/// i = T−1..0, as the DDGAN sampler does with its <c>t</c>. Tables are float64 (the authors' are float32).
/// </summary>
public sealed class DdganScheduler : IScheduler
{
    private readonly double[] alphasCumprod;
    private readonly double[] betas;

    /// <summary>Builds the tables; throws <see cref="ArgumentException"/> for an impossible β range.</summary>
    public DdganScheduler(DdganSchedulerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.Steps);
        if (!(options.BetaMax >= options.BetaMin && options.BetaMin >= 0))
        {
            throw new ArgumentException($"scheduler.ddgan: beta_max ({options.BetaMax}) must be at least beta_min ({options.BetaMin}) and both non-negative.");
        }

        if (!(options.TimeOffset is >= 0 and < 1))
        {
            throw new ArgumentException($"scheduler.ddgan: time_offset must be in [0, 1), got {options.TimeOffset}.");
        }

        if (options.BetaMax == 0)
        {
            throw new ArgumentException("scheduler.ddgan: beta_max 0 adds no noise; use e.g. 20.");
        }

        Options = options;
        int T = options.Steps;
        betas = new double[T];
        alphasCumprod = new double[T];
        double product = 1.0;
        for (int k = 1; k <= T; k++)
        {
            betas[k - 1] = 1 - (ContinuousAlphaBar(Time(k)) / ContinuousAlphaBar(Time(k - 1)));
            product *= 1 - betas[k - 1];
            alphasCumprod[k - 1] = product;
        }
    }

    /// <summary>The options.</summary>
    public DdganSchedulerOptions Options { get; }

    /// <summary>β_k for k = 1..T (index k − 1).</summary>
    public IReadOnlyList<double> Betas => betas;

    /// <inheritdoc />
    public ScheduleKind Kind => ScheduleKind.Discrete;

    /// <inheritdoc />
    public ScheduleFeatures Features => ScheduleFeatures.AlphasCumprod | ScheduleFeatures.Sigmas;

    /// <inheritdoc />
    public int TrainTimesteps => Options.Steps;

    /// <inheritdoc />
    public IReadOnlyList<double> AlphasCumprod => alphasCumprod;

    /// <summary>
    /// The whole chain, timesteps T−1..0 with their σ = sqrt((1 − ᾱ)/ᾱ) and a final 0. A DDGAN generator is trained on
    /// adjacent levels only, so <paramref name="steps"/> must be T; slice the schedule to run part of it.
    /// </summary>
    public InferenceSchedule CreateInferenceSchedule(int steps)
    {
        if (steps != Options.Steps)
        {
            throw new ArgumentOutOfRangeException(nameof(steps), steps,
                $"scheduler.ddgan: the chain has exactly T = {Options.Steps} steps (its generator denoises adjacent levels only); sample with steps = {Options.Steps}, or slice that schedule with schedule.slice.");
        }

        var timesteps = Enumerable.Range(0, steps).Select(i => (double)(steps - 1 - i)).ToArray();
        return new InferenceSchedule
        {
            Timesteps = timesteps,
            Sigmas = [.. timesteps.Select(t => Math.Sqrt((1 - alphasCumprod[(int)t]) / alphasCumprod[(int)t])), 0.0],
            FinalAlphaCumprod = 1.0,
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
            // Between levels: ᾱ interpolated linearly, as scheduler.discrete does for fractional timesteps.
            var t = time.to(float64).flatten().clamp(0, TrainTimesteps - 1);
            var low = t.floor().to(int64);
            var high = (low + 1).clamp_max(TrainTimesteps - 1);
            var w = t - low.to(float64);
            alphaCumprod = (table.index_select(0, low) * (1 - w)) + (table.index_select(0, high) * w);
        }

        return (alphaCumprod.sqrt().MoveToOuterDisposeScope(), (1 - alphaCumprod).sqrt().MoveToOuterDisposeScope());
    }

    /// <inheritdoc />
    public Tensor SampleTrainingTimes(long batch, Generator generator)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batch);
        return randint(0, TrainTimesteps, [batch], dtype: int64, generator: generator);
    }

    /// <summary>τ_k = ε + (1 − ε) k/T.</summary>
    private double Time(int k) => Options.TimeOffset + ((1 - Options.TimeOffset) * k / Options.Steps);

    /// <summary>The VP SDE's ᾱ(τ) = exp(−β_min τ − ½ (β_max − β_min) τ²) (the DDGAN code's var_func_vp: 1 − var).</summary>
    private double ContinuousAlphaBar(double tau) =>
        Math.Exp((-Options.BetaMin * tau) - (0.5 * (Options.BetaMax - Options.BetaMin) * tau * tau));
}
