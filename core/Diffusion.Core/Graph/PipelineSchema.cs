using System.Text.Json.Nodes;
using Diffusion.Contracts;

namespace Diffusion.Core;

/// <summary>
/// Builds a JSON Schema (draft 2020-12) for pipeline files from the registered node types, so editors complete node
/// types, params (with defaults, ranges, choices) and input names.
/// </summary>
public static class PipelineSchema
{
    /// <summary>The schema document.</summary>
    public static JsonObject Build(NodeTypeRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        var variants = new JsonArray();
        foreach (var type in registry.All)
        {
            variants.Add(NodeSchema(type.Descriptor));
        }

        return new JsonObject
        {
            ["$schema"] = "https://json-schema.org/draft/2020-12/schema",
            ["$id"] = "https://diffusion.net/schemas/pipeline.schema.json",
            ["title"] = "Diffusion for .NET pipeline",
            ["type"] = "object",
            ["required"] = new JsonArray("nodes"),
            ["additionalProperties"] = false,
            ["properties"] = new JsonObject
            {
                ["$schema"] = new JsonObject { ["type"] = "string" },
                ["description"] = new JsonObject { ["type"] = "string" },
                ["version"] = new JsonObject { ["const"] = 1 },
                ["nodes"] = new JsonObject
                {
                    ["type"] = "object",
                    ["propertyNames"] = new JsonObject { ["pattern"] = "^[^.]+$" },
                    ["additionalProperties"] = new JsonObject { ["oneOf"] = variants },
                },
            },
        };
    }

    private static JsonObject NodeSchema(NodeTypeDescriptor descriptor)
    {
        var inputs = new JsonObject();
        foreach (var port in descriptor.Inputs)
        {
            var link = new JsonObject { ["type"] = "string", ["description"] = $"{port.Type}: {port.Description}" };
            inputs[port.Name] = port.Variadic
                ? new JsonObject { ["oneOf"] = new JsonArray(link, new JsonObject { ["type"] = "array", ["items"] = link.DeepClone() }) }
                : link;
        }

        var parameters = new JsonObject();
        foreach (var param in descriptor.Params)
        {
            parameters[param.Name] = ParamSchema(param);
        }

        return new JsonObject
        {
            ["title"] = descriptor.Name,
            ["description"] = descriptor.Description,
            ["type"] = "object",
            ["required"] = new JsonArray("type"),
            ["additionalProperties"] = false,
            ["properties"] = new JsonObject
            {
                ["type"] = new JsonObject { ["const"] = descriptor.Name },
                ["description"] = new JsonObject { ["type"] = "string" },
                ["inputs"] = new JsonObject
                {
                    ["type"] = "object",
                    ["properties"] = inputs,
                    ["required"] = new JsonArray([.. descriptor.Inputs.Where(p => !p.Optional).Select(p => (JsonNode)p.Name)]),
                    ["additionalProperties"] = false,
                },
                ["params"] = new JsonObject
                {
                    ["type"] = "object",
                    ["properties"] = parameters,
                    ["required"] = new JsonArray([.. descriptor.Params.Where(p => p.Required).Select(p => (JsonNode)p.Name)]),
                    ["additionalProperties"] = false,
                },
            },
        };
    }

    private static JsonObject ParamSchema(ParamDescriptor param)
    {
        var schema = new JsonObject
        {
            ["type"] = param.Kind switch
            {
                ParamKind.Integer => "integer",
                ParamKind.Number => "number",
                ParamKind.Boolean => "boolean",
                ParamKind.String => "string",
                ParamKind.Array => "array",
                _ => "object",
            },
            ["description"] = param.Description,
        };
        if (param.Default is not null)
        {
            schema["default"] = param.Default.DeepClone();
        }

        if (param.Minimum is { } min)
        {
            schema["minimum"] = min;
        }

        if (param.Maximum is { } max)
        {
            schema["maximum"] = max;
        }

        if (param.Choices is { Count: > 0 } choices)
        {
            schema["enum"] = new JsonArray([.. choices.Select(c => (JsonNode)c)]);
        }

        if (!param.Required && param.Default is null)
        {
            // Optional params without a default accept null (e.g. "checkpoint": null).
            schema["type"] = new JsonArray(schema["type"]!.DeepClone(), "null");
        }

        return schema;
    }
}
