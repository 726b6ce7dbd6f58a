namespace Diffusion.Contracts;

/// <summary>
/// Describes a property of a node's options record as a param: description, range, choices. The param name is the
/// property name in snake_case unless <see cref="System.Text.Json.Serialization.JsonPropertyNameAttribute"/> says
/// otherwise; the default is the property's initial value.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class ParamAttribute(string description) : Attribute
{
    /// <summary>One line for listings and the JSON schema.</summary>
    public string Description { get; } = description;

    /// <summary>Inclusive minimum (NaN: none).</summary>
    public double Min { get; init; } = double.NaN;

    /// <summary>Inclusive maximum (NaN: none).</summary>
    public double Max { get; init; } = double.NaN;

    /// <summary>Allowed values of a string param.</summary>
    public string[]? Choices { get; init; }

    /// <summary>Whether the pipeline must give it.</summary>
    public bool Required { get; init; }

    /// <summary>Whether the param names a file or folder the node reads or writes (see <see cref="PathKind"/>).</summary>
    public PathKind Path { get; init; }
}
