using System.Text.Json;
using System.Text.Json.Nodes;
using Diffusion.Contracts;

namespace Diffusion.Core;

/// <summary>
/// Checks the items of list params against the declared item kind, so <c>[1, null]</c> for a list of numbers or
/// <c>[null]</c> for a list of names is an error with the item's pointer instead of a null reaching the node type.
/// </summary>
internal static class ParamItemRules
{
    public static void Check(NodeDefinition node, NodeTypeDescriptor descriptor, List<ValidationIssue> issues)
    {
        foreach (var param in descriptor.Params.Where(p => p.Kind == ParamKind.Array && p.ItemKind is not null))
        {
            if (node.Params[param.Name] is not JsonArray items)
            {
                continue;
            }

            for (var i = 0; i < items.Count; i++)
            {
                var item = items[i];
                if (!Matches(param.ItemKind!.Value, item))
                {
                    var pointer = $"{JsonPointer.Param(node.Id, param.Name)}/{i}";
                    var found = item?.ToJsonString() ?? "null";
                    issues.Add(new ValidationIssue(
                        ValidationCodes.ParamType,
                        $"Item {i} of param \"{param.Name}\" of node \"{node.Id}\" ({descriptor.Name}) must be {Expected(param.ItemKind.Value)}; found {Shorten(found)}.",
                        pointer,
                        node.Id,
                        param.Name,
                        Shorten(found)));
                }
            }
        }
    }

    private static bool Matches(ParamKind kind, JsonNode? item)
    {
        if (item is null)
        {
            return false;
        }

        var valueKind = item.GetValueKind();
        return kind switch
        {
            ParamKind.Boolean => valueKind is JsonValueKind.True or JsonValueKind.False,
            ParamKind.Integer => valueKind == JsonValueKind.Number && IsWhole(item),
            ParamKind.Number => valueKind == JsonValueKind.Number,
            ParamKind.String => valueKind == JsonValueKind.String,
            ParamKind.Array => valueKind == JsonValueKind.Array,
            _ => valueKind == JsonValueKind.Object,
        };
    }

    private static bool IsWhole(JsonNode item)
    {
        var value = item.AsValue();
        if (value.TryGetValue<JsonElement>(out var element))
        {
            return element.TryGetInt64(out _) || (element.TryGetDouble(out var d) && Math.Abs(d) < 9e15 && d == Math.Floor(d));
        }

        return value.TryGetValue<long>(out _) || value.TryGetValue<int>(out _)
            || (value.TryGetValue<double>(out var x) && Math.Abs(x) < 9e15 && x == Math.Floor(x));
    }

    private static string Expected(ParamKind kind) => kind switch
    {
        ParamKind.Boolean => "true or false",
        ParamKind.Integer => "a whole number",
        ParamKind.Number => "a number",
        ParamKind.String => "a string",
        ParamKind.Array => "a list",
        _ => "an object",
    };

    private static string Shorten(string text) => text.Length <= 80 ? text : string.Concat(text.AsSpan(0, 77), "...");
}
