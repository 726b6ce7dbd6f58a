using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
namespace Diffusion.Contracts;

/// <summary>
/// Checks params against a node type's params schema (kinds, ranges, choices, required, unknown names), reporting every
/// problem. The engine checks pipeline files with it, and components built from other sources (a diffusers
/// <c>scheduler_config.json</c> mapped to node params) go through the same rules.
/// </summary>
public static class ParamRules
{
    /// <summary>Every problem of <paramref name="given"/> params of node <paramref name="nodeId"/> against <paramref name="descriptor"/>.</summary>
    public static IReadOnlyList<ValidationIssue> Check(string nodeId, NodeTypeDescriptor descriptor, JsonObject given)
    {
        ArgumentNullException.ThrowIfNull(nodeId);
        ArgumentNullException.ThrowIfNull(descriptor);
        ArgumentNullException.ThrowIfNull(given);
        var issues = new List<ValidationIssue>();
        var node = new NodeRef(nodeId, given);
        var context = new NodeValidationContext(nodeId, given, "");
        var known = descriptor.Params.ToDictionary(p => p.Name, StringComparer.Ordinal);
        foreach (var (name, value) in node.Params)
        {
            var pointer = context.ParamPointer(name);
            if (!known.TryGetValue(name, out var param))
            {
                var hint = Suggestions.DidYouMean(name, known.Keys);
                var list = known.Count == 0 ? "it takes no params" : $"it takes: {string.Join(", ", known.Keys)}";
                issues.Add(new ValidationIssue(ValidationCodes.UnknownParam, $"Node \"{node.Id}\" ({descriptor.Name}) has no param \"{name}\";{hint} {list}.", pointer, node.Id, name, value?.ToJsonString(OptionsJson.Options)));
                continue;
            }

            CheckValue(node, descriptor, param, value, pointer, issues);
        }

        foreach (var param in descriptor.Params.Where(p => p.Required && !node.Params.ContainsKey(p.Name)))
        {
            issues.Add(new ValidationIssue(ValidationCodes.MissingParam, $"Node \"{node.Id}\" ({descriptor.Name}) needs param \"{param.Name}\": {param.Description}", context.ParamsPointer, node.Id, param.Name));
        }

        return issues;
    }

    private static void CheckValue(NodeRef node, NodeTypeDescriptor descriptor, ParamDescriptor param, JsonNode? value, string pointer, List<ValidationIssue> issues)
    {
        var received = value?.ToJsonString(OptionsJson.Options);
        if (value is null)
        {
            // As in the JSON schema (PipelineSchema): null is accepted only by optional params whose default is null;
            // otherwise binding fails later with a serializer message that names no param.
            if (param.Required || param.Default is not null)
            {
                issues.Add(new ValidationIssue(ValidationCodes.ParamType, $"Param \"{param.Name}\" of node \"{node.Id}\" ({descriptor.Name}) cannot be null: give {Expected(param)}{(param.Required ? "" : " or leave it out for the default")}.", pointer, node.Id, param.Name, "null"));
            }

            return;
        }

        if (!KindMatches(param.Kind, value))
        {
            issues.Add(new ValidationIssue(ValidationCodes.ParamType, $"Param \"{param.Name}\" of node \"{node.Id}\" ({descriptor.Name}) must be {Expected(param)}; found {received}.", pointer, node.Id, param.Name, received));
            return;
        }

        if (param.Kind is ParamKind.Integer or ParamKind.Number)
        {
            var number = ToDouble(value);
            if ((param.Minimum is { } min && number < min) || (param.Maximum is { } max && number > max))
            {
                issues.Add(new ValidationIssue(ValidationCodes.ParamValue, $"Param \"{param.Name}\" of node \"{node.Id}\" ({descriptor.Name}) is {received}, outside {Range(param)}.", pointer, node.Id, param.Name, received));
            }
        }

        if (param.Kind == ParamKind.String && param.Choices is { Count: > 0 } choices)
        {
            var text = value.GetValue<string>();
            if (!choices.Contains(text, StringComparer.Ordinal))
            {
                issues.Add(new ValidationIssue(ValidationCodes.ParamValue, $"Param \"{param.Name}\" of node \"{node.Id}\" ({descriptor.Name}) is \"{text}\"; allowed: {string.Join(", ", choices)}.{Suggestions.DidYouMean(text, choices)}", pointer, node.Id, param.Name, received));
            }
        }
    }

    private sealed record NodeRef(string Id, JsonObject Params);

    private static bool KindMatches(ParamKind kind, JsonNode value)
    {
        var valueKind = value.GetValueKind();
        return kind switch
        {
            ParamKind.Boolean => valueKind is JsonValueKind.True or JsonValueKind.False,
            ParamKind.Integer => valueKind == JsonValueKind.Number && IsIntegral(ToDouble(value)),
            ParamKind.Number => valueKind == JsonValueKind.Number,
            ParamKind.String => valueKind == JsonValueKind.String,
            ParamKind.Array => valueKind == JsonValueKind.Array,
            ParamKind.Object => valueKind == JsonValueKind.Object,
            _ => true,
        };
    }

    /// <summary>
    /// Whole numbers written as <c>1.0</c> or <c>1e3</c> pass the schema check, but the serializer refuses them for an
    /// int property; rewrite them as plain integers so the node binds what the schema accepted.
    /// </summary>
    public static void NormalizeIntegers(JsonObject parameters, NodeTypeDescriptor descriptor)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(descriptor);
        foreach (var param in descriptor.Params.Where(p => p.Kind == ParamKind.Integer))
        {
            if (parameters[param.Name] is JsonValue value && value.GetValueKind() == JsonValueKind.Number
                && value.ToJsonString(OptionsJson.Options).AsSpan().IndexOfAny(".eE") >= 0 && ToDouble(value) is var number && IsIntegral(number))
            {
                parameters[param.Name] = JsonValue.Create((long)number);
            }
        }
    }

    private static bool IsIntegral(double d) => Math.Abs(d) < 9e15 && d == Math.Floor(d);

    /// <summary>Numbers parsed from files are JsonElements; numbers set in code keep their CLR type.</summary>
    private static double ToDouble(JsonNode value)
    {
        var v = value.AsValue();
        if (v.TryGetValue<JsonElement>(out var element))
        {
            return element.GetDouble();
        }

        return v.TryGetValue<double>(out var d) ? d
            : v.TryGetValue<long>(out var l) ? l
            : v.TryGetValue<int>(out var i) ? i
            : v.TryGetValue<float>(out var f) ? f
            : v.TryGetValue<decimal>(out var m) ? (double)m
            : double.NaN;
    }

    private static string Expected(ParamDescriptor param) => param.Kind switch
    {
        ParamKind.Integer => "a whole number" + (param.Minimum is null && param.Maximum is null ? "" : $" in {Range(param)}"),
        ParamKind.Number => "a number" + (param.Minimum is null && param.Maximum is null ? "" : $" in {Range(param)}"),
        ParamKind.Boolean => "true or false",
        ParamKind.String => param.Choices is { Count: > 0 } c ? $"one of {string.Join(", ", c.Select(x => $"\"{x}\""))}" : "a string",
        ParamKind.Array => "a list",
        _ => "an object",
    };

    private static string Range(ParamDescriptor param) =>
        $"[{param.Minimum?.ToString(CultureInfo.InvariantCulture) ?? "-inf"}, {param.Maximum?.ToString(CultureInfo.InvariantCulture) ?? "inf"}]";
}
