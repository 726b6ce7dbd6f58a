using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Diffusion.Core;

/// <summary>
/// Content hashes of nodes: SHA-256 over (type, canonical params, the hashes of linked inputs, the node type's own
/// fingerprint). Two nodes with equal keys compute the same outputs, whatever their ids or pipelines.
/// </summary>
public static class CacheKeys
{
    /// <summary>The key of <paramref name="node"/> given the keys of the nodes it links to.</summary>
    public static string Compute(ValidatedNode node, IReadOnlyDictionary<string, string> keysOfNodes, string? fingerprint)
    {
        ArgumentNullException.ThrowIfNull(node);
        ArgumentNullException.ThrowIfNull(keysOfNodes);
        var text = new StringBuilder();
        text.Append("type=").Append(node.Definition.Type).Append('\n');
        text.Append("params=").Append(Canonical(node.Params)).Append('\n');
        foreach (var (port, links) in node.Inputs.OrderBy(i => i.Key, StringComparer.Ordinal))
        {
            text.Append("in:").Append(port).Append('=');
            foreach (var link in links)
            {
                text.Append(keysOfNodes[link.Node]).Append('.').Append(link.Output).Append(';');
            }

            text.Append('\n');
        }

        text.Append("fp=").Append(fingerprint ?? "");
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }

    /// <summary>JSON with object keys sorted, so key order in the file does not change the hash.</summary>
    public static string Canonical(JsonNode? node) => node switch
    {
        null => "null",
        JsonObject obj => "{" + string.Join(",", obj.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"\"{p.Key}\":{Canonical(p.Value)}")) + "}",
        JsonArray array => "[" + string.Join(",", array.Select(Canonical)) + "]",
        _ => node.ToJsonString(),
    };
}
