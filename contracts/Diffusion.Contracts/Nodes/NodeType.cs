using System.Text.Json;
using System.Text.Json.Nodes;

namespace Diffusion.Contracts;

/// <summary>
/// A convenient base for node types whose params are an options record: the params schema comes from
/// <typeparamref name="TOptions"/> (see <see cref="OptionsSchema"/>), cross-field rules go in
/// <see cref="ValidateOptions"/>, and <c>ExecuteAsync(context, options)</c> gets the bound record.
/// </summary>
/// <typeparam name="TOptions">The options record; one property per param.</typeparam>
public abstract class NodeType<TOptions> : INodeType where TOptions : class, new()
{
    private readonly Lazy<NodeTypeDescriptor> descriptor;

    /// <summary>Creates the node type; the descriptor is built on first use from the abstract members.</summary>
    protected NodeType() => descriptor = new Lazy<NodeTypeDescriptor>(BuildDescriptor);

    /// <summary>The registered name, e.g. <c>sampler.ddim</c>.</summary>
    protected abstract string Name { get; }

    /// <summary>A grouping for listings.</summary>
    protected virtual string Category => "general";

    /// <summary>What the node does.</summary>
    protected abstract string Description { get; }

    /// <summary>The inputs.</summary>
    protected virtual IReadOnlyList<PortDescriptor> Inputs => [];

    /// <summary>The outputs.</summary>
    protected virtual IReadOnlyList<PortDescriptor> Outputs => [];

    /// <summary>Whether the node writes files or otherwise acts on the world (never cached).</summary>
    protected virtual bool HasSideEffects => false;

    /// <inheritdoc />
    public NodeTypeDescriptor Descriptor => descriptor.Value;

    /// <inheritdoc />
    public IEnumerable<ValidationIssue> Validate(NodeValidationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        TOptions options;
        try
        {
            options = Bind(context.Params);
        }
        catch (JsonException ex)
        {
            return [new ValidationIssue(ValidationCodes.ParamType, ex.Message, $"/nodes/{context.NodeId}/params", context.NodeId)];
        }

        return ValidateOptions(options, context);
    }

    /// <summary>Cross-field checks of bound options; return an issue per problem.</summary>
    protected virtual IEnumerable<ValidationIssue> ValidateOptions(TOptions options, NodeValidationContext context) => [];

    /// <inheritdoc />
    public IReadOnlyDictionary<string, IReadOnlySet<string>> OutputTraits(NodeValidationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        TOptions options;
        try
        {
            options = Bind(context.Params);
        }
        catch (JsonException)
        {
            return new Dictionary<string, IReadOnlySet<string>>();
        }

        return OutputTraits(options, context);
    }

    /// <inheritdoc />
    public ResourceEstimate? Estimate(NodeValidationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        TOptions options;
        try
        {
            options = Bind(context.Params);
        }
        catch (JsonException)
        {
            return null;
        }

        return Estimate(options, context);
    }

    /// <summary>What the node will cost given bound options (see <see cref="INodeType.Estimate"/>); null by default.</summary>
    protected virtual ResourceEstimate? Estimate(TOptions options, NodeValidationContext context) => null;

    /// <summary>Traits of the outputs given bound options (see <see cref="INodeType.OutputTraits"/>); none by default.</summary>
    protected virtual IReadOnlyDictionary<string, IReadOnlySet<string>> OutputTraits(TOptions options, NodeValidationContext context) =>
        new Dictionary<string, IReadOnlySet<string>>();

    /// <inheritdoc />
    public virtual string? Fingerprint(NodeValidationContext context) => null;

    /// <summary>Binds params to the options record with the <see cref="OptionsJson"/> convention.</summary>
    public static TOptions Bind(JsonObject parameters) =>
        parameters.Deserialize<TOptions>(OptionsJson.Options) ?? new TOptions();

    /// <inheritdoc />
    public Task<NodeOutputs> ExecuteAsync(INodeExecutionContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return ExecuteAsync(context, context.GetParams<TOptions>());
    }

    /// <summary>Runs the node with its bound options.</summary>
    protected abstract Task<NodeOutputs> ExecuteAsync(INodeExecutionContext context, TOptions options);

    private NodeTypeDescriptor BuildDescriptor() => new()
    {
        Name = Name,
        Category = Category,
        Description = Description,
        Inputs = Inputs,
        Outputs = Outputs,
        Params = OptionsSchema.Describe(typeof(TOptions)),
        HasSideEffects = HasSideEffects,
    };
}
