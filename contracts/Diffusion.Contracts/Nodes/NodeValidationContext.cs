using System.Text.Json.Nodes;

namespace Diffusion.Contracts;

/// <summary>What a node type sees when it validates or fingerprints one node of a pipeline.</summary>
/// <param name="NodeId">The node's id in the pipeline.</param>
/// <param name="Params">The node's params with defaults filled in.</param>
/// <param name="BaseDirectory">The folder relative paths in params resolve against (the pipeline file's folder).</param>
public sealed record NodeValidationContext(string NodeId, JsonObject Params, string BaseDirectory)
{
    /// <summary>The JSON pointer of one of this node's params, for <see cref="ValidationIssue.Pointer"/>.</summary>
    public string ParamPointer(string param) => $"/nodes/{Escape(NodeId)}/params/{Escape(param)}";

    /// <summary>A <see cref="ValidationCodes.ParamValue"/> issue on one param.</summary>
    public ValidationIssue ParamIssue(string param, string message) =>
        new(ValidationCodes.ParamValue, message, ParamPointer(param), NodeId, param, Params[param]?.ToJsonString());

    private static string Escape(string token) => token.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal);
}
