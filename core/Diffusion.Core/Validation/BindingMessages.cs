using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Diffusion.Contracts;

namespace Diffusion.Core;

/// <summary>
/// Replaces System.Text.Json's binding errors ("The JSON value could not be converted to System.Int32. Path: $.steps")
/// and exceptions escaping a node type's own checks with messages that name the param, its pointer and what to write.
/// </summary>
internal static partial class BindingMessages
{
    /// <summary>The issue, with a serializer message rewritten (pointer and wording); others are returned unchanged.</summary>
    public static ValidationIssue Rewrite(ValidationIssue issue, NodeDefinition node, NodeTypeDescriptor descriptor)
    {
        if (issue.Code != ValidationCodes.ParamType || ConversionError().Match(issue.Message) is not { Success: true } match)
        {
            return issue;
        }

        var path = match.Groups["path"].Value;
        var clrType = match.Groups["type"].Value;
        var segments = PathSegments(path);
        if (segments.Count == 0)
        {
            return issue with { Message = $"The params of node \"{node.Id}\" ({descriptor.Name}) do not fit its params schema; see `diffuse nodes {descriptor.Name}`." };
        }

        var param = segments[0];
        var pointer = JsonPointer.Param(node.Id, param) + string.Concat(segments.Skip(1).Select(s => "/" + JsonPointer.Escape(s)));
        JsonNode? value = node.Params[param];
        foreach (var index in segments.Skip(1))
        {
            value = value is JsonArray array && int.TryParse(index, out var i) && i < array.Count ? array[i] : null;
        }

        var received = value?.ToJsonString() ?? "this value";
        return issue with
        {
            Message = $"Param \"{param}\" of node \"{node.Id}\" ({descriptor.Name}) is {received}{(segments.Count > 1 ? $" at item {string.Join("/", segments.Skip(1))}" : "")}, which does not fit: it must be {Describe(clrType)}.",
            Pointer = pointer,
            Input = param,
            Received = value?.ToJsonString(),
        };
    }

    /// <summary>The message for an exception thrown by a node type's own checks.</summary>
    public static string NodeValidationFailed(NodeDefinition node, RegisteredNodeType registered, Exception error) =>
        error is NullReferenceException or InvalidCastException or IndexOutOfRangeException or KeyNotFoundException
            or ArgumentNullException or NotImplementedException or FormatException or OverflowException
            ? $"Node \"{node.Id}\" ({node.Type}): the node type's own checks failed with an internal error ({error.GetType().Name}) in plugin \"{registered.PluginId}\". Check the values under {JsonPointer.NodeField(node.Id, "params")} (for example null items or empty lists) and report this to the plugin's author."
            : $"Node \"{node.Id}\" ({node.Type}) rejected its params: {error.Message}";

    private static List<string> PathSegments(string path)
    {
        var segments = new List<string>();
        foreach (Match m in PathSegment().Matches(path))
        {
            segments.Add(m.Groups["name"].Success ? m.Groups["name"].Value : m.Groups["quoted"].Success ? m.Groups["quoted"].Value : m.Groups["index"].Value);
        }

        return segments;
    }

    private static string Describe(string clrType)
    {
        var element = ArrayElement().Match(clrType) is { Success: true } array ? array.Groups["element"].Value : null;
        if (element is not null)
        {
            return "a list of " + Describe(element).Replace("a ", "", StringComparison.Ordinal) + "s";
        }

        return clrType.Replace("System.Nullable`1[", "", StringComparison.Ordinal).TrimEnd(']') switch
        {
            "System.Int32" => "a whole number from -2147483648 to 2147483647",
            "System.Int64" => "a whole number from -9223372036854775808 to 9223372036854775807",
            "System.Int16" => "a whole number from -32768 to 32767",
            "System.Byte" => "a whole number from 0 to 255",
            "System.UInt32" => "a whole number from 0 to 4294967295",
            "System.UInt64" => "a whole number from 0 to 18446744073709551615",
            "System.Double" or "System.Single" or "System.Decimal" => "a number",
            "System.Boolean" => "true or false",
            "System.String" => "a string",
            var other => $"a value of the kind `diffuse nodes` lists for it ({other.Split('.')[^1]})",
        };
    }

    [GeneratedRegex(@"could not be converted to (?<type>[^ ]+?)\.? Path: (?<path>\$[^ |]*)", RegexOptions.CultureInvariant)]
    private static partial Regex ConversionError();

    [GeneratedRegex(@"\.(?<name>[A-Za-z0-9_]+)|\['(?<quoted>[^']*)'\]|\[(?<index>[0-9]+)\]", RegexOptions.CultureInvariant)]
    private static partial Regex PathSegment();

    [GeneratedRegex(@"^(?<element>[^\[]+)\[\]$|IReadOnlyList`1\[(?<element>[^\]]+)\]|IList`1\[(?<element>[^\]]+)\]|List`1\[(?<element>[^\]]+)\]|IEnumerable`1\[(?<element>[^\]]+)\]", RegexOptions.CultureInvariant)]
    private static partial Regex ArrayElement();
}
