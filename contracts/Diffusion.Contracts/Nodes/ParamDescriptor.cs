using System.Text.Json.Nodes;

namespace Diffusion.Contracts;

/// <summary>One entry of a node type's params schema.</summary>
public sealed record ParamDescriptor
{
    /// <summary>The key in the node's <c>params</c> object (snake_case).</summary>
    public required string Name { get; init; }

    /// <summary>The JSON kind.</summary>
    public required ParamKind Kind { get; init; }

    /// <summary>One line for <c>diffuse nodes</c> and the JSON schema.</summary>
    public string Description { get; init; } = "";

    /// <summary>The value used when the param is absent; null when there is none.</summary>
    public JsonNode? Default { get; init; }

    /// <summary>Whether the pipeline must give a value.</summary>
    public bool Required { get; init; }

    /// <summary>Inclusive lower bound for numbers.</summary>
    public double? Minimum { get; init; }

    /// <summary>Inclusive upper bound for numbers.</summary>
    public double? Maximum { get; init; }

    /// <summary>The allowed values of a string param, if restricted.</summary>
    public IReadOnlyList<string>? Choices { get; init; }

    /// <summary>The kind of the items of an array param.</summary>
    public ParamKind? ItemKind { get; init; }

    /// <summary>Whether a string param names a file or folder the node reads or writes.</summary>
    public PathKind Path { get; init; }
}
