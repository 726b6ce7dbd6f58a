using Diffusion.Contracts;
using Diffusion.Sdk;

namespace Diffusion.Plugins.Schedules;

/// <summary>The <c>scheduler.discrete</c> node: outputs a <see cref="DiscreteScheduler"/> built from its params.</summary>
public sealed class DiscreteSchedulerNode : SchedulerNodeType<DiscreteSchedulerOptions>
{
    /// <inheritdoc />
    protected override string Name => "scheduler.discrete";

    /// <inheritdoc />
    protected override string Category => "scheduling";

    /// <inheritdoc />
    protected override string Description =>
        "A discrete VP noise schedule (linear, scaled_linear, squaredcos_cap_v2 or given betas) with diffusers' timestep spacing and sigma rules.";

    /// <inheritdoc />
    protected override IEnumerable<ValidationIssue> CheckOptions(DiscreteSchedulerOptions options, NodeValidationContext context)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(context);
        if (options.TrainedBetas is { } betas && betas.Count != options.NumTrainTimesteps)
        {
            yield return context.ParamIssue("trained_betas",
                $"trained_betas has {betas.Count} values but num_train_timesteps is {options.NumTrainTimesteps}.");
        }

        if (options.BetaEnd < options.BetaStart)
        {
            yield return context.ParamIssue("beta_end", $"beta_end ({options.BetaEnd}) is below beta_start ({options.BetaStart}).");
        }
    }

    /// <inheritdoc />
    protected override IReadOnlyDictionary<string, IReadOnlySet<string>> OutputTraits(DiscreteSchedulerOptions options, NodeValidationContext context)
    {
        ArgumentNullException.ThrowIfNull(options);
        var traits = base.OutputTraits(options, context);
        if (!traits.TryGetValue("scheduler", out var features))
        {
            return traits;
        }

        // DiscreteScheduler refuses more inference steps than training timesteps when the sample node asks for its
        // schedule; the trait lets the sample node say so at validation, before a training node ahead of it runs.
        var withBound = new HashSet<string>(features, StringComparer.Ordinal) { ComponentTraits.OfMaxSteps(options.NumTrainTimesteps) };
        return new Dictionary<string, IReadOnlySet<string>>(traits) { ["scheduler"] = withBound };
    }

    /// <inheritdoc />
    protected override IScheduler Create(DiscreteSchedulerOptions options) => new DiscreteScheduler(options);
}
