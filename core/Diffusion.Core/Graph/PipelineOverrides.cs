using System.Text.Json;
using System.Text.Json.Nodes;
using Diffusion.Contracts;

namespace Diffusion.Core;

/// <summary>
/// Applies command-line overrides <c>node.params.key=value</c> (or the shorthand <c>node.key=value</c>) and
/// <c>node.inputs.port=link</c> to a pipeline. Values are JSON when they parse as JSON (<c>20</c>, <c>true</c>,
/// <c>[1,2]</c>), otherwise strings, so <c>--set plot.params.path=out/a.png</c> needs no quotes.
/// </summary>
public static class PipelineOverrides
{
    /// <summary>Returns the changed pipeline and an issue per override that could not be applied.</summary>
    public static (PipelineDefinition Pipeline, IReadOnlyList<ValidationIssue> Issues) Apply(PipelineDefinition pipeline, IEnumerable<string> overrides)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        ArgumentNullException.ThrowIfNull(overrides);
        var issues = new List<ValidationIssue>();
        var nodes = pipeline.Nodes.ToList();
        foreach (var text in overrides)
        {
            var equals = text.IndexOf('=', StringComparison.Ordinal);
            var path = equals > 0 ? text[..equals].Split('.') : [];
            if (path.Length is < 2 or > 3)
            {
                issues.Add(Bad(text, "write it as node.params.name=value, node.name=value or node.inputs.port=link"));
                continue;
            }

            var index = nodes.FindIndex(n => string.Equals(n.Id, path[0], StringComparison.Ordinal));
            if (index < 0)
            {
                issues.Add(Bad(text, $"there is no node \"{path[0]}\".{Suggestions.DidYouMean(path[0], nodes.Select(n => n.Id))}"));
                continue;
            }

            var node = nodes[index];
            var value = text[(equals + 1)..];
            var section = path.Length == 3 ? path[1] : "params";
            var name = path[^1];
            switch (section)
            {
                case "params":
                    var parameters = (JsonObject)node.Params.DeepClone();
                    parameters[name] = ParseValue(value);
                    nodes[index] = node with { Params = parameters };
                    break;
                case "inputs":
                    var inputs = new Dictionary<string, NodeInput>(node.Inputs, StringComparer.Ordinal)
                    {
                        [name] = new NodeInput([.. value.Split(',').Select(LinkReference.Parse)], value.Contains(',', StringComparison.Ordinal)),
                    };
                    nodes[index] = node with { Inputs = inputs };
                    break;
                default:
                    issues.Add(Bad(text, $"\"{section}\" is neither params nor inputs"));
                    break;
            }
        }

        return (pipeline with { Nodes = nodes }, issues);
    }

    private static JsonNode? ParseValue(string value)
    {
        try
        {
            return JsonNode.Parse(value);
        }
        catch (JsonException)
        {
            return JsonNode.Parse(JsonSerializer.Serialize(value));
        }
    }

    private static ValidationIssue Bad(string text, string why) =>
        new(ValidationCodes.BadOverride, $"Override \"{text}\" cannot be applied: {why}.", "", Received: text);
}
