namespace Diffusion.Contracts;

/// <summary>What is linked to one input of a node, as the validator knows it before anything runs.</summary>
/// <param name="Node">The source node id.</param>
/// <param name="NodeType">The source node's type.</param>
/// <param name="Output">The source output port.</param>
/// <param name="Traits">The traits the source node declares for that output (<see cref="ComponentTraits"/>).</param>
public sealed record LinkedOutput(string Node, string NodeType, string Output, IReadOnlySet<string> Traits);
