namespace Diffusion.Contracts;

/// <summary>
/// The discretisation a sampler walks: model times to visit and, for sigma-space samplers, the noise levels. It is data,
/// as k-diffusion's <c>sigmas</c> tensor is: a schedule node makes it, <see cref="Slice"/>, <see cref="FromStrength"/>
/// and <see cref="SplitAt"/> cut it (img2img starts part-way, distillation runs a teacher between two times, a cascade
/// splits one run), and the sampler visits exactly the steps it is given. A slice remembers the schedule it was cut from
/// (<see cref="TotalSteps"/>, <see cref="StartIndex"/>) because some update rules depend on it (DDIM's
/// <c>t − T // N</c> stride uses the full N). Plain arrays of doubles, so it is cheap to share and exact to compare.
/// </summary>
public sealed record InferenceSchedule
{
    private readonly int? totalSteps;

    /// <summary>The time values passed to the denoiser, in visiting order (one per step).</summary>
    public required IReadOnlyList<double> Timesteps { get; init; }

    /// <summary>
    /// σ at each timestep plus the level after the last step (length steps + 1), where σ = sqrt((1−ᾱ)/ᾱ) for VP schedules
    /// (Karras et al. 2022, Table 1) and σ(t) for VE. Empty when the schedule has no sigma view.
    /// </summary>
    public IReadOnlyList<double> Sigmas { get; init; } = [];

    /// <summary>ᾱ used for "the step after the last" of the full schedule (DDIM's final_alpha_cumprod: 1 with set_alpha_to_one, else ᾱ_0).</summary>
    public double FinalAlphaCumprod { get; init; } = 1.0;

    /// <summary>The number of steps of the full schedule this one was cut from (its own length when it is not a slice).</summary>
    public int TotalSteps
    {
        get => totalSteps ?? Timesteps.Count;
        init => totalSteps = value;
    }

    /// <summary>The index of this schedule's first step within the full schedule (0 when it is not a slice).</summary>
    public int StartIndex { get; init; }

    /// <summary>
    /// The full schedule's timestep after this schedule's last step when it stops early (where a DDPM step goes), or
    /// null when it runs to the end.
    /// </summary>
    public double? EndTimestep { get; init; }

    /// <summary>Steps in this schedule.</summary>
    public int Count => Timesteps.Count;

    /// <summary>Whether the schedule ends at the full schedule's end (σ = its final level), as opposed to stopping early.</summary>
    public bool EndsAtFullEnd => StartIndex + Count == TotalSteps;

    /// <summary>
    /// Steps <paramref name="start"/> (inclusive) to <paramref name="end"/> (exclusive) of this schedule, as k-diffusion
    /// slices <c>sigmas[start:end + 1]</c>: the sigmas keep the level after the last kept step.
    /// </summary>
    /// <param name="start">The first step kept, 0-based within this schedule.</param>
    /// <param name="end">One past the last step kept; null keeps the rest.</param>
    /// <exception cref="ArgumentOutOfRangeException">The range is empty or outside the schedule.</exception>
    public InferenceSchedule Slice(int start, int? end = null)
    {
        int stop = end ?? Count;
        if (start < 0 || stop > Count || start >= stop)
        {
            throw new ArgumentOutOfRangeException(nameof(start),
                $"A schedule of {Count} steps has no step range [{start}, {stop}); give 0 <= start < end <= {Count}.");
        }

        return this with
        {
            Timesteps = Timesteps.Skip(start).Take(stop - start).ToArray(),
            Sigmas = Sigmas.Count == 0 ? [] : Sigmas.Skip(start).Take(stop - start + 1).ToArray(),
            TotalSteps = TotalSteps,
            StartIndex = StartIndex + start,
            EndTimestep = stop < Count ? Timesteps[stop] : EndTimestep,
        };
    }

    /// <summary>
    /// The last steps of this schedule for image-to-image at <paramref name="strength"/> (diffusers' <c>get_timesteps</c>:
    /// keep min(⌊N · strength⌋, N) steps, start at N minus that). Strength 1 keeps every step.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Strength outside (0, 1], or so small that no step is left.</exception>
    public InferenceSchedule FromStrength(double strength)
    {
        if (!(strength > 0 && strength <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(strength), strength, "strength must be in (0, 1]: the fraction of the schedule to run.");
        }

        int kept = Math.Min((int)(Count * strength), Count);
        if (kept == 0)
        {
            throw new ArgumentOutOfRangeException(nameof(strength), strength,
                $"strength {strength} of {Count} steps leaves no step to run; raise strength to at least {1.0 / Count:G3} or use more steps.");
        }

        return Slice(Count - kept);
    }

    /// <summary>Splits into steps [0, <paramref name="step"/>) and [<paramref name="step"/>, end) (ComfyUI's SplitSigmas).</summary>
    /// <exception cref="ArgumentOutOfRangeException">A part would be empty.</exception>
    public (InferenceSchedule First, InferenceSchedule Second) SplitAt(int step)
    {
        if (step <= 0 || step >= Count)
        {
            throw new ArgumentOutOfRangeException(nameof(step), step, $"Split a schedule of {Count} steps at 1..{Count - 1} so both parts have a step.");
        }

        return (Slice(0, step), Slice(step));
    }
}
