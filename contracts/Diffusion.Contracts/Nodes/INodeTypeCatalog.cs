using System.Diagnostics.CodeAnalysis;

namespace Diffusion.Contracts;

/// <summary>
/// The host's node types, as a service: a node that builds components through other node types (a diffusers scheduler
/// config mapped to <c>scheduler.discrete</c> + <c>sampler.ddim</c>) finds them here.
/// </summary>
public interface INodeTypeCatalog
{
    /// <summary>Finds a node type by its registered name.</summary>
    bool TryGet(string name, [NotNullWhen(true)] out INodeType? nodeType);

    /// <summary>Every registered node type, sorted by name.</summary>
    IReadOnlyList<INodeType> NodeTypes { get; }
}
