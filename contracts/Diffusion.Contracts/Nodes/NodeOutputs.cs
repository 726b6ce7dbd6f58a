namespace Diffusion.Contracts;

/// <summary>The values a node produced, by output port name.</summary>
public sealed class NodeOutputs
{
    private readonly Dictionary<string, object> values = new(StringComparer.Ordinal);

    /// <summary>Adds an output value; returns this for chaining.</summary>
    public NodeOutputs With(string port, object value)
    {
        ArgumentException.ThrowIfNullOrEmpty(port);
        ArgumentNullException.ThrowIfNull(value);
        values[port] = value;
        return this;
    }

    /// <summary>Outputs with one value.</summary>
    public static NodeOutputs Of(string port, object value) => new NodeOutputs().With(port, value);

    /// <summary>No outputs (a sink node).</summary>
    public static NodeOutputs None => new();

    /// <summary>The values by port.</summary>
    public IReadOnlyDictionary<string, object> Values => values;
}
