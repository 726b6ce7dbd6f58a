using System.Text.Json.Nodes;

namespace Diffusion.Core;

/// <summary>A node that passed validation, with its type resolved, defaults filled and links resolved.</summary>
/// <param name="Definition">The node as written.</param>
/// <param name="Type">Its registered node type.</param>
/// <param name="Params">Params with defaults filled in.</param>
/// <param name="Inputs">For each linked input port, the source (node id, output port) pairs in order.</param>
public sealed record ValidatedNode(
    NodeDefinition Definition,
    RegisteredNodeType Type,
    JsonObject Params,
    IReadOnlyDictionary<string, IReadOnlyList<ResolvedLink>> Inputs)
{
    /// <summary>The node id.</summary>
    public string Id => Definition.Id;

    /// <summary>The ids of the nodes this one depends on.</summary>
    public IEnumerable<string> Dependencies => Inputs.Values.SelectMany(l => l).Select(l => l.Node).Distinct(StringComparer.Ordinal);
}

/// <summary>A link resolved to a concrete output port.</summary>
/// <param name="Node">The source node id.</param>
/// <param name="Output">The source output port name.</param>
public sealed record ResolvedLink(string Node, string Output);
