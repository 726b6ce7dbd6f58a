namespace Diffusion.Contracts;

/// <summary>
/// A node type: a declarative <see cref="Descriptor"/> plus a thin <see cref="ExecuteAsync"/> over library code.
/// Instances are shared by every run in a host and must be stateless or thread-safe.
/// </summary>
public interface INodeType
{
    /// <summary>Name, ports and params schema.</summary>
    NodeTypeDescriptor Descriptor { get; }

    /// <summary>
    /// Checks a node's params beyond what the schema can say (cross-field rules). Called before anything runs;
    /// params are already known to match the schema. Return every problem, with pointers from
    /// <see cref="NodeValidationContext.ParamPointer"/>.
    /// </summary>
    IEnumerable<ValidationIssue> Validate(NodeValidationContext context) => [];

    /// <summary>
    /// Traits of this node's outputs that follow from its params alone (<see cref="ComponentTraits"/>: what a scheduler
    /// offers, what a sampler needs, what a denoiser predicts), keyed by output port. The validator gives them to the
    /// nodes linked to those outputs. Params are already known to match the schema.
    /// </summary>
    IReadOnlyDictionary<string, IReadOnlySet<string>> OutputTraits(NodeValidationContext context) =>
        new Dictionary<string, IReadOnlySet<string>>();

    /// <summary>
    /// What running the node will roughly cost (<see cref="ResourceEstimate"/>), from params that already match the schema
    /// and the traits of its inputs; null when the node allocates little and calls no network. The validator checks the
    /// sum over a pipeline against the host's budget, so a request for 10⁹ samples fails before it allocates.
    /// </summary>
    ResourceEstimate? Estimate(NodeValidationContext context) => null;

    /// <summary>
    /// Extra material for the node's cache key besides (type, params, input hashes), e.g. the modification time of a
    /// file the node reads. Null when params and inputs say everything.
    /// </summary>
    string? Fingerprint(NodeValidationContext context) => null;

    /// <summary>Runs the node. Exceptions are reported as a failure of this node; outputs of other nodes are kept.</summary>
    Task<NodeOutputs> ExecuteAsync(INodeExecutionContext context);
}
