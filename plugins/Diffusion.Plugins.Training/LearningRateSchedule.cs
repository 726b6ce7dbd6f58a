namespace Diffusion.Plugins.Training;

/// <summary>
/// The learning-rate factor of <c>train.denoising</c>: the optimizer's lr for the step that starts after
/// <c>step</c> completed steps is <c>lr · Factor(step)</c>, as diffusers' <c>LambdaLR</c> schedules (the first step
/// has step 0). A pure function of the step, so a resumed run continues the schedule from its checkpoint's step.
/// <list type="bullet">
/// <item>Warm-up (Goyal et al. 2017, "Accurate, Large Minibatch SGD", §2.2, gradual warm-up), for every schedule:
/// <c>Factor = step / warmup</c> while <c>step &lt; warmup</c> (diffusers <c>get_*_schedule_with_warmup</c>).</item>
/// <item><c>constant</c>: <c>Factor = 1</c> after the warm-up.</item>
/// <item><c>cosine</c> (Loshchilov &amp; Hutter 2017, SGDR, Eq. 5, one half-period without restarts, with
/// η_min = minRatio · η_max): <c>progress = (step − warmup) / max(1, total − warmup)</c> and
/// <c>Factor = minRatio + (1 − minRatio) · ½ · (1 + cos(π · progress))</c>. With minRatio 0 this is diffusers'
/// <c>get_cosine_schedule_with_warmup</c> (num_cycles 0.5).</item>
/// </list>
/// </summary>
public sealed class LearningRateSchedule
{
    /// <summary>The <c>lr_schedule</c> value of a constant rate (after any warm-up).</summary>
    public const string Constant = "constant";

    /// <summary>The <c>lr_schedule</c> value of the cosine decay.</summary>
    public const string Cosine = "cosine";

    /// <summary>Creates a schedule; throws when the values could not come from valid <c>train.denoising</c> params.</summary>
    /// <param name="kind"><see cref="Constant"/> or <see cref="Cosine"/>.</param>
    /// <param name="warmupSteps">Steps of linear warm-up from 0, at most <paramref name="totalSteps"/>.</param>
    /// <param name="minRatio">The cosine's floor as a fraction of the peak lr, in [0, 1].</param>
    /// <param name="totalSteps">The run's total step count (the cosine reaches its floor there).</param>
    public LearningRateSchedule(string kind, int warmupSteps, double minRatio, int totalSteps)
    {
        if (kind is not (Constant or Cosine))
        {
            throw new ArgumentException($"train.denoising: lr_schedule must be '{Constant}' or '{Cosine}', got '{kind}'.", nameof(kind));
        }

        if (warmupSteps < 0 || warmupSteps > totalSteps)
        {
            throw new ArgumentOutOfRangeException(nameof(warmupSteps), warmupSteps, $"train.denoising: lr_warmup_steps must be in [0, steps = {totalSteps}].");
        }

        if (!(minRatio is >= 0 and <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(minRatio), minRatio, "train.denoising: lr_min_ratio must be in [0, 1].");
        }

        Kind = kind;
        WarmupSteps = warmupSteps;
        MinRatio = minRatio;
        TotalSteps = totalSteps;
    }

    /// <summary><see cref="Constant"/> or <see cref="Cosine"/>.</summary>
    public string Kind { get; }

    /// <summary>Steps of linear warm-up.</summary>
    public int WarmupSteps { get; }

    /// <summary>The cosine's floor as a fraction of the peak lr.</summary>
    public double MinRatio { get; }

    /// <summary>The run's total step count.</summary>
    public int TotalSteps { get; }

    /// <summary>The schedule of a <c>train.denoising</c> node's params.</summary>
    public static LearningRateSchedule From(DenoisingTrainOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new LearningRateSchedule(options.LrSchedule, options.LrWarmupSteps, options.LrMinRatio, options.Steps);
    }

    /// <summary>The multiplier of the peak lr for the step that follows <paramref name="step"/> completed steps.</summary>
    public double Factor(long step)
    {
        if (step < WarmupSteps)
        {
            return (double)step / WarmupSteps;
        }

        if (Kind == Constant)
        {
            return 1.0;
        }

        // Clamped at 1 so that a step past the total stays at the floor instead of climbing the next half-period.
        var progress = Math.Min(1.0, (double)(step - WarmupSteps) / Math.Max(1, TotalSteps - WarmupSteps));
        return MinRatio + ((1 - MinRatio) * 0.5 * (1 + Math.Cos(Math.PI * progress)));
    }
}
