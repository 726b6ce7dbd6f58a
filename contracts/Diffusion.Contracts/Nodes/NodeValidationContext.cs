using System.Text.Json.Nodes;

namespace Diffusion.Contracts;

/// <summary>What a node type sees when it validates or fingerprints one node of a pipeline.</summary>
/// <param name="NodeId">The node's id in the pipeline.</param>
/// <param name="Params">The node's params with defaults filled in.</param>
/// <param name="BaseDirectory">The folder relative paths in params resolve against (the pipeline file's folder).</param>
public sealed record NodeValidationContext(string NodeId, JsonObject Params, string BaseDirectory)
{
    /// <summary>For each linked input, what is linked to it (in the order written), with the traits of each source.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<LinkedOutput>> Links { get; init; } = new Dictionary<string, IReadOnlyList<LinkedOutput>>();

    /// <summary>The links of one input (empty when it is not linked).</summary>
    public IReadOnlyList<LinkedOutput> LinksOf(string input) => Links.TryGetValue(input, out var links) ? links : [];

    /// <summary>The JSON pointer of this node's <c>params</c> object.</summary>
    public string ParamsPointer => $"/nodes/{Escape(NodeId)}/params";

    /// <summary>The JSON pointer of one of this node's params, for <see cref="ValidationIssue.Pointer"/>.</summary>
    public string ParamPointer(string param) => $"/nodes/{Escape(NodeId)}/params/{Escape(param)}";

    /// <summary>The JSON pointer of one of this node's inputs.</summary>
    public string InputPointer(string input) => $"/nodes/{Escape(NodeId)}/inputs/{Escape(input)}";

    /// <summary>A <see cref="ValidationCodes.ParamValue"/> issue on one param.</summary>
    public ValidationIssue ParamIssue(string param, string message) =>
        new(ValidationCodes.ParamValue, message, ParamPointer(param), NodeId, param, Params[param]?.ToJsonString(OptionsJson.Options));

    private static string Escape(string token) => token.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal);
}
