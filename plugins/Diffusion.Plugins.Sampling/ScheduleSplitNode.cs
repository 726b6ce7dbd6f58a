using Diffusion.Contracts;

namespace Diffusion.Plugins.Sampling;

/// <summary>
/// The <c>schedule.split</c> node (ComfyUI's SplitSigmas): steps [0, at) and [at, N). Sampling the first part and then the
/// second from its output equals sampling the whole schedule for deterministic samplers.
/// </summary>
public sealed class ScheduleSplitNode : NodeType<ScheduleSplitOptions>
{
    /// <inheritdoc />
    protected override string Name => "schedule.split";

    /// <inheritdoc />
    protected override string Category => "scheduling";

    /// <inheritdoc />
    protected override string Description => "Splits a schedule at a step into two parts to run one after the other (cascades, sampler changes mid-run).";

    /// <inheritdoc />
    protected override IReadOnlyList<PortDescriptor> Inputs { get; } = [new("schedule", PortType.Schedule, "The schedule to split.")];

    /// <inheritdoc />
    protected override IReadOnlyList<PortDescriptor> Outputs { get; } =
    [
        new("first", PortType.Schedule, "Steps [0, at)."),
        new("second", PortType.Schedule, "Steps [at, N)."),
    ];

    /// <inheritdoc />
    protected override Task<NodeOutputs> ExecuteAsync(INodeExecutionContext context, ScheduleSplitOptions options)
    {
        var (first, second) = context.GetInput<InferenceSchedule>("schedule").SplitAt(options.At);
        return Task.FromResult(new NodeOutputs().With("first", first).With("second", second));
    }
}
