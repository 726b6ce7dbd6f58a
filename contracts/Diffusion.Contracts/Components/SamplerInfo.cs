namespace Diffusion.Contracts;

/// <summary>What a sampler declares about itself, including what it can run on.</summary>
/// <param name="Name">The algorithm, e.g. <c>ddim</c>, <c>dpmpp_2m</c>.</param>
/// <param name="Stochastic">Whether it draws noise during the loop (so the generator matters after the start).</param>
/// <param name="Adaptive">Whether it chooses its own step sizes (then the schedule gives only its range and NFE is reported).</param>
public sealed record SamplerInfo(string Name, bool Stochastic, bool Adaptive = false)
{
    /// <summary>The schedule features it needs (all of them); checked when a pipeline is validated and when it runs.</summary>
    public ScheduleFeatures Needs { get; init; }

    /// <summary>The prediction types it can turn into an update; empty means any.</summary>
    public IReadOnlyList<PredictionType> Predictions { get; init; } = [];

    /// <summary>Null when <paramref name="scheduler"/> and <paramref name="denoiser"/> suit this sampler, else why not and what to do.</summary>
    public string? Explain(IScheduler scheduler, IDenoiser denoiser, PredictionType? prediction = null)
    {
        ArgumentNullException.ThrowIfNull(scheduler);
        ArgumentNullException.ThrowIfNull(denoiser);
        var missing = Needs & ~scheduler.Features;
        if (missing != ScheduleFeatures.None)
        {
            return $"sampler {Name} needs a schedule with {ComponentTraits.Describe(Needs)} but {scheduler.GetType().Name} ({scheduler.Kind}) offers {ComponentTraits.Describe(scheduler.Features)}; "
                + ComponentTraits.AdviceFor(missing);
        }

        var predicted = prediction ?? denoiser.Info.Prediction;
        if (Predictions.Count > 0 && !Predictions.Contains(predicted))
        {
            return $"sampler {Name} takes denoisers that predict {string.Join(", ", Predictions.Select(ComponentTraits.Name))}, not {ComponentTraits.Name(predicted)}.";
        }

        return null;
    }
}
