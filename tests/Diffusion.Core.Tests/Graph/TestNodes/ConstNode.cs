using Diffusion.Contracts;

namespace Diffusion.Core.Tests.TestNodes;

/// <summary><c>test.const</c>: outputs its <c>value</c> param on port <c>value</c>.</summary>
public sealed class ConstNode : NodeType<ValueOptions>
{
    protected override string Name => "test.const";

    protected override string Description => "Outputs a constant.";

    protected override IReadOnlyList<PortDescriptor> Outputs => [new("value", TestPorts.Number, "The constant.")];

    protected override Task<NodeOutputs> ExecuteAsync(INodeExecutionContext context, ValueOptions options) =>
        Task.FromResult(NodeOutputs.Of("value", new NumberValue(options.Value)));
}

/// <summary><c>test.int</c>: outputs its value on a <see cref="TestPorts.Integer"/> port (derived from number).</summary>
public sealed class IntNode : NodeType<ValueOptions>
{
    protected override string Name => "test.int";

    protected override string Description => "Outputs a whole number.";

    protected override IReadOnlyList<PortDescriptor> Outputs => [new("value", TestPorts.Integer)];

    protected override Task<NodeOutputs> ExecuteAsync(INodeExecutionContext context, ValueOptions options) =>
        Task.FromResult(NodeOutputs.Of("value", new NumberValue(Math.Round(options.Value))));
}

/// <summary><c>test.text</c>: outputs text, which no number input accepts.</summary>
public sealed class TextNode : NodeType<NoOptions>
{
    protected override string Name => "test.text";

    protected override string Description => "Outputs text.";

    protected override IReadOnlyList<PortDescriptor> Outputs => [new("text", TestPorts.Text)];

    protected override Task<NodeOutputs> ExecuteAsync(INodeExecutionContext context, NoOptions options) =>
        Task.FromResult(NodeOutputs.Of("text", new TextValue("hello")));
}

/// <summary><c>test.sink</c>: takes anything and outputs nothing.</summary>
public sealed class SinkNode : NodeType<NoOptions>
{
    protected override string Name => "test.sink";

    protected override string Description => "Swallows a value.";

    protected override IReadOnlyList<PortDescriptor> Inputs => [new("in", PortType.Any)];

    protected override Task<NodeOutputs> ExecuteAsync(INodeExecutionContext context, NoOptions options) => Task.FromResult(NodeOutputs.None);
}
