namespace Diffusion.Contracts;

/// <summary>
/// What a node type declares apart from how it executes (ComfyUI's INPUT_TYPES/RETURN_TYPES): its name, ports and
/// params schema. The validator checks pipelines against it before anything runs.
/// </summary>
public sealed record NodeTypeDescriptor
{
    /// <summary>The registered name used as <c>type</c> in pipeline files, e.g. <c>sampler.ddim</c>.</summary>
    public required string Name { get; init; }

    /// <summary>A grouping for listings, e.g. <c>sampling</c>, <c>data</c>, <c>output</c>.</summary>
    public string Category { get; init; } = "general";

    /// <summary>What the node does, in a sentence or two.</summary>
    public string Description { get; init; } = "";

    /// <summary>Inputs, linked from other nodes' outputs.</summary>
    public IReadOnlyList<PortDescriptor> Inputs { get; init; } = [];

    /// <summary>Outputs. The first is the default when a link names only the node.</summary>
    public IReadOnlyList<PortDescriptor> Outputs { get; init; } = [];

    /// <summary>The params schema.</summary>
    public IReadOnlyList<ParamDescriptor> Params { get; init; } = [];

    /// <summary>
    /// Whether running the node changes the world (writes files, sends requests). Such nodes always run and are never
    /// answered from the cache.
    /// </summary>
    public bool HasSideEffects { get; init; }
}
