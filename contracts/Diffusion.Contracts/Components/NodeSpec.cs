using System.Text.Json.Nodes;

namespace Diffusion.Contracts;

/// <summary>A node type name with params: how a component is described in a pipeline file.</summary>
/// <param name="Type">The node type, e.g. <c>scheduler.discrete</c>.</param>
/// <param name="Params">Its params.</param>
public sealed record NodeSpec(string Type, JsonObject Params);
