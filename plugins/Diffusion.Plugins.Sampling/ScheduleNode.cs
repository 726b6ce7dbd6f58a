using Diffusion.Contracts;

namespace Diffusion.Plugins.Sampling;

/// <summary>The <c>schedule</c> node: a scheduler's inference schedule for N steps, as data to slice, split or sample with.</summary>
public sealed class ScheduleNode : NodeType<ScheduleOptions>
{
    /// <inheritdoc />
    protected override string Name => "schedule";

    /// <inheritdoc />
    protected override string Category => "scheduling";

    /// <inheritdoc />
    protected override string Description => "The scheduler's inference schedule (timesteps and sigmas) for `steps` steps.";

    /// <inheritdoc />
    protected override IReadOnlyList<PortDescriptor> Inputs { get; } = [new("scheduler", PortType.Scheduler, "The noise schedule.")];

    /// <inheritdoc />
    protected override IReadOnlyList<PortDescriptor> Outputs { get; } = [new("schedule", PortType.Schedule, "The steps, first to last.")];

    /// <inheritdoc />
    protected override Task<NodeOutputs> ExecuteAsync(INodeExecutionContext context, ScheduleOptions options) =>
        Task.FromResult(NodeOutputs.Of("schedule", context.GetInput<IScheduler>("scheduler").CreateInferenceSchedule(options.Steps)));
}
