using Diffusion.Contracts;

namespace Diffusion.Plugins.Sampling;

/// <summary>
/// The <c>schedule.slice</c> node: steps [start, end) of a schedule (k-diffusion's <c>sigmas[start:end + 1]</c>), or its
/// last ⌊N·strength⌋ steps (image-to-image). The slice remembers the whole schedule, so strides stay those of the whole run.
/// </summary>
public sealed class ScheduleSliceNode : NodeType<ScheduleSliceOptions>
{
    /// <inheritdoc />
    protected override string Name => "schedule.slice";

    /// <inheritdoc />
    protected override string Category => "scheduling";

    /// <inheritdoc />
    protected override string Description => "Steps [start, end) of a schedule, or its last fraction `strength` (img2img, distillation, stopping early).";

    /// <inheritdoc />
    protected override IReadOnlyList<PortDescriptor> Inputs { get; } = [new("schedule", PortType.Schedule, "The schedule to cut.")];

    /// <inheritdoc />
    protected override IReadOnlyList<PortDescriptor> Outputs { get; } = [new("schedule", PortType.Schedule, "The kept steps.")];

    /// <inheritdoc />
    protected override IEnumerable<ValidationIssue> ValidateOptions(ScheduleSliceOptions options, NodeValidationContext context)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(context);
        if (options.Strength is not null && (options.Start != 0 || options.End is not null))
        {
            yield return context.ParamIssue("strength", "Give either strength or start/end, not both.");
        }

        if (options.End is { } end && end <= options.Start)
        {
            yield return context.ParamIssue("end", $"end ({end}) must be greater than start ({options.Start}).");
        }
    }

    /// <inheritdoc />
    protected override Task<NodeOutputs> ExecuteAsync(INodeExecutionContext context, ScheduleSliceOptions options)
    {
        var schedule = context.GetInput<InferenceSchedule>("schedule");
        var sliced = options.Strength is { } strength ? schedule.FromStrength(strength) : schedule.Slice(options.Start, options.End);
        return Task.FromResult(NodeOutputs.Of("schedule", sliced));
    }
}
