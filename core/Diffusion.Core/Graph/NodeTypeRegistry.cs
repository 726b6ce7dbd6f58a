using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using Diffusion.Contracts;

namespace Diffusion.Core;

/// <summary>
/// All node types known to a host, by name, with the plugin that registered each. Filled while plugins register,
/// read-only afterwards in practice (lookups are thread-safe at any time).
/// </summary>
public sealed class NodeTypeRegistry : INodeTypeCatalog
{
    private readonly ConcurrentDictionary<string, RegisteredNodeType> types = new(StringComparer.Ordinal);

    /// <summary>Adds a node type; returns false (and leaves the first) when the name is already taken.</summary>
    /// <param name="nodeType">The node type.</param>
    /// <param name="pluginId">The id of the plugin registering it.</param>
    /// <param name="existing">The registration that already holds the name, when false.</param>
    public bool TryAdd(INodeType nodeType, string pluginId, out RegisteredNodeType? existing)
    {
        ArgumentNullException.ThrowIfNull(nodeType);
        var entry = new RegisteredNodeType(nodeType, pluginId);
        if (types.TryAdd(nodeType.Descriptor.Name, entry))
        {
            existing = null;
            return true;
        }

        existing = types[nodeType.Descriptor.Name];
        return false;
    }

    /// <summary>Finds a node type by name.</summary>
    public bool TryGet(string name, out RegisteredNodeType registered) => types.TryGetValue(name, out registered!);

    /// <inheritdoc />
    bool INodeTypeCatalog.TryGet(string name, [NotNullWhen(true)] out INodeType? nodeType)
    {
        nodeType = types.TryGetValue(name, out var registered) ? registered.NodeType : null;
        return nodeType is not null;
    }

    /// <inheritdoc />
    public IReadOnlyList<INodeType> NodeTypes => [.. All.Select(t => t.NodeType)];

    /// <summary>All registered node types, sorted by name.</summary>
    public IReadOnlyList<RegisteredNodeType> All => [.. types.Values.OrderBy(t => t.Descriptor.Name, StringComparer.Ordinal)];

    /// <summary>The registered names, for "did you mean" hints.</summary>
    public IEnumerable<string> Names => types.Keys;
}

/// <summary>A node type and the plugin it came from.</summary>
/// <param name="NodeType">The node type.</param>
/// <param name="PluginId">The registering plugin's id.</param>
public sealed record RegisteredNodeType(INodeType NodeType, string PluginId)
{
    /// <summary>The node type's descriptor.</summary>
    public NodeTypeDescriptor Descriptor => NodeType.Descriptor;
}
