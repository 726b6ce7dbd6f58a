namespace Diffusion.Contracts;

/// <summary>A typed input or output of a node type.</summary>
/// <param name="Name">The port name used in links (<c>"node.port"</c>) and in <c>inputs</c>.</param>
/// <param name="Type">What flows through it.</param>
/// <param name="Description">One line for <c>diffuse nodes</c> and the JSON schema.</param>
/// <param name="Optional">Whether an input may be left unlinked.</param>
/// <param name="Variadic">
/// Whether an input takes a list of links (<c>"inputs": { "metrics": ["a", "b.metrics"] }</c>); the node reads them
/// with <see cref="INodeExecutionContext.GetInputs{T}"/>.
/// </param>
public sealed record PortDescriptor(string Name, PortType Type, string Description = "", bool Optional = false, bool Variadic = false);
