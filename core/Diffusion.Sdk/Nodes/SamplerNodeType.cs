using Diffusion.Contracts;

namespace Diffusion.Sdk;

/// <summary>
/// A <c>sampler.xxx</c> node: params are the sampler's options record, its one output the configured sampler. The
/// sampler's constructor checks its options (an <see cref="ArgumentException"/> becomes a validation issue), and what it
/// needs (<see cref="SamplerInfo.Needs"/>, <see cref="SamplerInfo.Predictions"/>) becomes traits of its output, so the
/// validator rejects a sampler linked with a schedule it cannot run on.
/// </summary>
/// <typeparam name="TOptions">The sampler's options record.</typeparam>
public abstract class SamplerNodeType<TOptions> : NodeType<TOptions> where TOptions : class, new()
{
    /// <inheritdoc />
    protected override string Category => "sampling";

    /// <inheritdoc />
    protected override IReadOnlyList<PortDescriptor> Outputs { get; } =
        [new PortDescriptor("sampler", PortType.Sampler, "The configured sampler.")];

    /// <summary>Creates the sampler from bound options; throws <see cref="ArgumentException"/> for bad combinations.</summary>
    protected abstract ISampler Create(TOptions options);

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
            return new Dictionary<string, IReadOnlySet<string>> { ["sampler"] = ComponentTraits.NeedsOf(Create(options).Info) };
        }
        catch (ArgumentException)
        {
            return new Dictionary<string, IReadOnlySet<string>>();
        }
    }

    /// <inheritdoc />
    protected override Task<NodeOutputs> ExecuteAsync(INodeExecutionContext context, TOptions options) =>
        Task.FromResult(NodeOutputs.Of("sampler", Create(options)));
}
