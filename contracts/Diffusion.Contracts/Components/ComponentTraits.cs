using System.Text.Json;

namespace Diffusion.Contracts;

/// <summary>
/// Facts about a component that a node knows from its params before anything runs, written as strings
/// <c>family:value</c> on the node's output (see <see cref="INodeType.OutputTraits"/>), and the needs a consumer checks
/// against them: <c>needs:family:value</c>. The validator hands every node the traits of what is linked to it
/// (<see cref="NodeValidationContext.Links"/>), so "DDIM on a continuous SDE" is an error with a pointer, not a run-time
/// failure. A family the provider says nothing about is unknown and passes; the run checks it again.
/// </summary>
public static class ComponentTraits
{
    /// <summary>The family of schedule features (<c>schedule:alphas_cumprod</c>, <c>schedule:sigmas</c>, <c>schedule:sde</c>).</summary>
    public const string ScheduleFamily = "schedule";

    /// <summary>The family of prediction types (<c>prediction:epsilon</c>, ...).</summary>
    public const string PredictionFamily = "prediction";

    /// <summary>The family of the element count of one sample (<c>sample_elements:784</c> for [1, 28, 28]), for estimates.</summary>
    public const string SampleElementsFamily = "sample_elements";

    /// <summary>
    /// The family of the most inference steps a scheduler accepts (<c>max_steps:1000</c> for a discrete schedule of
    /// 1,000 training timesteps), so a consumer refuses more at validation rather than after the nodes before it ran.
    /// </summary>
    public const string MaxStepsFamily = "max_steps";

    /// <summary>The prefix of a need.</summary>
    public const string NeedPrefix = "needs:";

    /// <summary>The traits of a scheduler that offers <paramref name="features"/>.</summary>
    public static IReadOnlySet<string> OfSchedule(ScheduleFeatures features) =>
        Enum.GetValues<ScheduleFeatures>().Where(f => f != ScheduleFeatures.None && features.HasFlag(f))
            .Select(f => $"{ScheduleFamily}:{Name(f)}").ToHashSet(StringComparer.Ordinal);

    /// <summary>The traits of a denoiser that predicts <paramref name="prediction"/>.</summary>
    public static IReadOnlySet<string> OfPrediction(PredictionType prediction) =>
        new HashSet<string>(StringComparer.Ordinal) { $"{PredictionFamily}:{Name(prediction)}" };

    /// <summary>The trait of a denoiser or dataset whose samples have <paramref name="shape"/> (without the batch).</summary>
    public static string OfSampleShape(IReadOnlyList<long> shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        return $"{SampleElementsFamily}:{ResourceEstimate.Times([.. shape])}";
    }

    /// <summary>The trait of a scheduler that accepts at most <paramref name="steps"/> inference steps.</summary>
    public static string OfMaxSteps(int steps) => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{MaxStepsFamily}:{steps}");

    /// <summary>The most inference steps what is linked to <paramref name="input"/> accepts, or null when it declares no bound.</summary>
    public static int? MaxSteps(NodeValidationContext context, string input) =>
        FirstNumber(context, input, MaxStepsFamily) is { } steps ? (int)Math.Clamp(steps, 0, int.MaxValue) : null;

    /// <summary>The element count of one sample declared by what is linked to <paramref name="input"/>, or null when unknown.</summary>
    public static long? SampleElements(NodeValidationContext context, string input) => FirstNumber(context, input, SampleElementsFamily);

    /// <summary>The number of the first <c>family:number</c> trait of what is linked to <paramref name="input"/>, or null.</summary>
    private static long? FirstNumber(NodeValidationContext context, string input, string family)
    {
        ArgumentNullException.ThrowIfNull(context);
        foreach (var link in context.LinksOf(input))
        {
            foreach (var trait in link.Traits.Where(t => t.StartsWith(family + ":", StringComparison.Ordinal)))
            {
                if (long.TryParse(trait.AsSpan(family.Length + 1), System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var number))
                {
                    return number;
                }
            }
        }

        return null;
    }

    /// <summary>The needs of a sampler, as traits on its output: every schedule feature, and one of the predictions.</summary>
    public static IReadOnlySet<string> NeedsOf(SamplerInfo info)
    {
        ArgumentNullException.ThrowIfNull(info);
        var needs = Enum.GetValues<ScheduleFeatures>().Where(f => f != ScheduleFeatures.None && info.Needs.HasFlag(f))
            .Select(f => $"{NeedPrefix}{ScheduleFamily}:{Name(f)}").ToHashSet(StringComparer.Ordinal);
        if (info.Predictions.Count > 0)
        {
            needs.Add($"{NeedPrefix}{PredictionFamily}:{string.Join('|', info.Predictions.Select(Name))}");
        }

        return needs;
    }

    /// <summary>
    /// The problems of linking a consumer whose input <paramref name="needsInput"/> carries needs of
    /// <paramref name="family"/> with what input <paramref name="providerInput"/> provides, as issues on the provider link.
    /// A need <c>needs:family:a|b</c> is met when the provider has trait <c>family:a</c> or <c>family:b</c>, or no trait of
    /// that family at all (unknown until run time).
    /// </summary>
    public static IEnumerable<ValidationIssue> CheckNeeds(NodeValidationContext context, string needsInput, string providerInput, string family)
    {
        ArgumentNullException.ThrowIfNull(context);
        foreach (var consumer in context.LinksOf(needsInput))
        {
            foreach (var need in consumer.Traits.Where(t => t.StartsWith($"{NeedPrefix}{family}:", StringComparison.Ordinal)))
            {
                var accepted = need[(NeedPrefix.Length + family.Length + 1)..].Split('|');
                foreach (var provider in context.LinksOf(providerInput))
                {
                    var offered = provider.Traits.Where(t => t.StartsWith($"{family}:", StringComparison.Ordinal)).Select(t => t[(family.Length + 1)..]).ToList();
                    if (offered.Count == 0 || (family == ScheduleFamily ? accepted.All(offered.Contains) : accepted.Any(offered.Contains)))
                    {
                        continue;
                    }

                    yield return new ValidationIssue(
                        ValidationCodes.IncompatibleLink,
                        $"Input \"{providerInput}\" of node \"{context.NodeId}\" is \"{provider.Node}\" ({provider.NodeType}), which offers {family} {string.Join(", ", offered)}, "
                        + $"but \"{consumer.Node}\" ({consumer.NodeType}) on input \"{needsInput}\" needs {family} {string.Join(family == ScheduleFamily ? " and " : " or ", accepted)}. "
                        + Advice(family, accepted),
                        context.InputPointer(providerInput),
                        context.NodeId,
                        providerInput,
                        provider.Node);
                }
            }
        }
    }

    /// <summary>What to do when a sampler lacks <paramref name="missing"/>.</summary>
    public static string AdviceFor(ScheduleFeatures missing) =>
        missing.HasFlag(ScheduleFeatures.Sde)
            ? "Use an SDE scheduler (scheduler.vp, scheduler.ve, scheduler.subvp) with this sampler, or a sampler for discrete schedules."
            : "Use scheduler.discrete (an ᾱ table with a sigma view) with this sampler, or, with an SDE scheduler, sampler.pc or sampler.probability_flow.";

    /// <summary>The snake_case names of the features in <paramref name="features"/>, joined with "and" ("none" when empty).</summary>
    public static string Describe(ScheduleFeatures features)
    {
        var names = Enum.GetValues<ScheduleFeatures>().Where(f => f != ScheduleFeatures.None && features.HasFlag(f)).Select(Name).ToList();
        return names.Count == 0 ? "none" : string.Join(" and ", names);
    }

    /// <summary>The snake_case name of a schedule feature.</summary>
    public static string Name(ScheduleFeatures feature) => JsonNamingPolicy.SnakeCaseLower.ConvertName(feature.ToString());

    /// <summary>The snake_case name of a prediction type, as params and diffusers configs write it.</summary>
    public static string Name(PredictionType prediction) => JsonNamingPolicy.SnakeCaseLower.ConvertName(prediction.ToString());

    private static string Advice(string family, string[] accepted) => family switch
    {
        ScheduleFamily => AdviceFor(accepted.Select(a => Enum.GetValues<ScheduleFeatures>().FirstOrDefault(f => Name(f) == a)).Aggregate(ScheduleFeatures.None, (x, y) => x | y)),
        PredictionFamily => "Use a denoiser with a matching prediction_type, or a sampler that takes this one.",
        _ => "Link a component that provides it.",
    };
}
