using Diffusion.Contracts;

namespace Diffusion.Core.Tests.TestNodes;

/// <summary>A number flowing between test nodes (a boxed value so it fits <see cref="NodeOutputs"/>).</summary>
/// <param name="Value">The number.</param>
public sealed record NumberValue(double Value);

/// <summary>Text flowing between test nodes; a port type unrelated to numbers, for mismatch tests.</summary>
/// <param name="Text">The text.</param>
public sealed record TextValue(string Text);

/// <summary>Port types owned by the tests, defined the way a third-party plugin defines its own.</summary>
public static class TestPorts
{
    /// <summary>A <see cref="NumberValue"/>.</summary>
    public static PortType Number { get; } = new("test_number", typeof(NumberValue));

    /// <summary>A whole <see cref="NumberValue"/>: a narrower port that may be linked wherever a number is taken.</summary>
    public static PortType Integer { get; } = new("test_integer", typeof(NumberValue), Number);

    /// <summary>A <see cref="TextValue"/>.</summary>
    public static PortType Text { get; } = new("test_text", typeof(TextValue));
}
