using Diffusion.Contracts;
using Diffusion.Sdk;

namespace Diffusion.Plugins.Sampling;

/// <summary>
/// The <c>scheduler.from_diffusers</c> node: a <c>scheduler_config.json</c> as our scheduler and sampler, through
/// <see cref="DiffusersSchedulerComponents"/> (the registered <see cref="IDiffusersSchedulerMapping"/> that knows its
/// class, and the mapped node types run with the mapped params).
/// </summary>
public sealed class SchedulerFromDiffusersNode : NodeType<SchedulerFromDiffusersOptions>
{
    /// <inheritdoc />
    protected override string Name => "scheduler.from_diffusers";

    /// <inheritdoc />
    protected override string Category => "sampling";

    /// <inheritdoc />
    protected override string Description => "A diffusers scheduler_config.json as our scheduler + sampler pair.";

    /// <inheritdoc />
    protected override IReadOnlyList<PortDescriptor> Outputs { get; } =
    [
        new("scheduler", PortType.Scheduler, "The noise schedule."),
        new("sampler", PortType.Sampler, "The update rule."),
    ];

    /// <inheritdoc />
    public override string? Fingerprint(NodeValidationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var path = (string?)context.Params["path"];
        var full = path is null ? null : System.IO.Path.GetFullPath(path, context.BaseDirectory);
        return full is not null && File.Exists(full) ? File.GetLastWriteTimeUtc(full).Ticks.ToString(System.Globalization.CultureInfo.InvariantCulture) : null;
    }

    /// <inheritdoc />
    protected override async Task<NodeOutputs> ExecuteAsync(INodeExecutionContext context, SchedulerFromDiffusersOptions options)
    {
        var path = context.ResolveInputPath(options.Path);
        try
        {
            // The same reading and mapping as model folders use (model.diffusers): one place decides what a config means.
            var (scheduler, sampler) = await DiffusersSchedulerComponents.CreateAsync(context, path, options.StepKwargs).ConfigureAwait(false);
            return new NodeOutputs().With("scheduler", scheduler).With("sampler", sampler);
        }
        catch (Exception ex) when (ex is FileNotFoundException or InvalidDataException or NotSupportedException or ArgumentException or FormatException)
        {
            // The message names the file and the field; the config file is the input to fix.
            var message = ex.Message.StartsWith(context.NodeId + ":", StringComparison.Ordinal) ? ex.Message : $"{context.NodeId}: {ex.Message}";
            throw new InvalidInputException(message, path, ex);
        }
    }
}
