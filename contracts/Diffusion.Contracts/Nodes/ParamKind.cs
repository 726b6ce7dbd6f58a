namespace Diffusion.Contracts;

/// <summary>The JSON kind of a node parameter.</summary>
public enum ParamKind
{
    /// <summary>A whole number.</summary>
    Integer,

    /// <summary>A real number.</summary>
    Number,

    /// <summary>true or false.</summary>
    Boolean,

    /// <summary>Text, possibly restricted to <see cref="ParamDescriptor.Choices"/>.</summary>
    String,

    /// <summary>A JSON array.</summary>
    Array,

    /// <summary>A JSON object.</summary>
    Object,
}
