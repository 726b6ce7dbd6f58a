using Diffusion.Contracts;

namespace Diffusion.Sdk;

/// <summary>
/// A <c>scheduler.xxx</c> node: params are the scheduler's options record, its one output the scheduler. Its
/// <see cref="IScheduler.Features"/> become traits of the output, which the validator matches against samplers' needs.
/// </summary>
/// <typeparam name="TOptions">The scheduler's options record.</typeparam>
public abstract class SchedulerNodeType<TOptions> : NodeType<TOptions> where TOptions : class, new()
{
    /// <inheritdoc />
    protected override string Category => "scheduling";

    /// <inheritdoc />
    protected override IReadOnlyList<PortDescriptor> Outputs { get; } =
        [new PortDescriptor("scheduler", PortType.Scheduler, "The noise schedule.")];

    /// <summary>Creates the scheduler from bound options; throws <see cref="ArgumentException"/> for bad combinations.</summary>
    protected abstract IScheduler Create(TOptions options);

    /// <summary>Cross-field checks with pointers to the params involved; the constructor's own checks run after these pass.</summary>
    protected virtual IEnumerable<ValidationIssue> CheckOptions(TOptions options, NodeValidationContext context) => [];

    /// <inheritdoc />
    protected sealed override IEnumerable<ValidationIssue> ValidateOptions(TOptions options, NodeValidationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var issues = CheckOptions(options, context).ToList();
        if (issues.Count > 0)
        {
            return issues;
        }

        string? problem = null;
        try
        {
            Create(options);
        }
        catch (ArgumentException ex)
        {
            problem = ex.Message;
        }

        return problem is null ? [] : [new ValidationIssue(ValidationCodes.ParamValue, problem, context.ParamsPointer, context.NodeId)];
    }

    /// <inheritdoc />
    protected override IReadOnlyDictionary<string, IReadOnlySet<string>> OutputTraits(TOptions options, NodeValidationContext context)
    {
        try
        {
            return new Dictionary<string, IReadOnlySet<string>> { ["scheduler"] = ComponentTraits.OfSchedule(Create(options).Features) };
        }
        catch (ArgumentException)
        {
            return new Dictionary<string, IReadOnlySet<string>>();
        }
    }

    /// <inheritdoc />
    protected override Task<NodeOutputs> ExecuteAsync(INodeExecutionContext context, TOptions options) =>
        Task.FromResult(NodeOutputs.Of("scheduler", Create(options)));
}
