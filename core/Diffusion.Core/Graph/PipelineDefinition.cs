using System.Text.Json.Nodes;

namespace Diffusion.Core;

/// <summary>
/// A parsed pipeline file: nodes by id, in the order written. Built by <see cref="PipelineReader"/>, checked by
/// <see cref="PipelineValidator"/>, run by <see cref="PipelineExecutor"/>. Immutable.
/// </summary>
/// <param name="Version">The format version (1).</param>
/// <param name="Nodes">The nodes in file order.</param>
/// <param name="SourcePath">The file it came from, if any (relative paths in params resolve against its folder).</param>
public sealed record PipelineDefinition(int Version, IReadOnlyList<NodeDefinition> Nodes, string? SourcePath = null)
{
    /// <summary>The folder relative paths resolve against.</summary>
    public string BaseDirectory => SourcePath is null ? Directory.GetCurrentDirectory() : Path.GetDirectoryName(Path.GetFullPath(SourcePath))!;

    /// <summary>Finds a node by id.</summary>
    public NodeDefinition? Find(string id) => Nodes.FirstOrDefault(n => string.Equals(n.Id, id, StringComparison.Ordinal));
}

/// <summary>One node of a pipeline.</summary>
/// <param name="Id">The key under <c>nodes</c>.</param>
/// <param name="Type">The node type name.</param>
/// <param name="Inputs">Links by input port; a variadic port may hold several.</param>
/// <param name="Params">The params as written (defaults not filled).</param>
public sealed record NodeDefinition(string Id, string Type, IReadOnlyDictionary<string, NodeInput> Inputs, JsonObject Params);

/// <summary>The links given for one input port.</summary>
/// <param name="Links">The links, in the order written.</param>
/// <param name="IsList">Whether they were written as a JSON array.</param>
public sealed record NodeInput(IReadOnlyList<LinkReference> Links, bool IsList);

/// <summary>A link <c>"node"</c> or <c>"node.output"</c>.</summary>
/// <param name="Node">The source node id.</param>
/// <param name="Output">The source output port, or null for the node's first output.</param>
public sealed record LinkReference(string Node, string? Output)
{
    /// <summary>Parses <c>node</c> or <c>node.output</c> (the last dot separates; node ids may not contain dots).</summary>
    public static LinkReference Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var dot = text.IndexOf('.', StringComparison.Ordinal);
        return dot < 0 ? new LinkReference(text, null) : new LinkReference(text[..dot], text[(dot + 1)..]);
    }

    /// <inheritdoc />
    public override string ToString() => Output is null ? Node : $"{Node}.{Output}";
}
