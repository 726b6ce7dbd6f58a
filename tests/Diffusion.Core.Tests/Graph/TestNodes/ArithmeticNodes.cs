using Diffusion.Contracts;

namespace Diffusion.Core.Tests.TestNodes;

/// <summary><c>test.add</c>: two required inputs <c>a</c> and <c>b</c>; outputs <c>sum</c> and <c>difference</c>.</summary>
public sealed class AddNode : NodeType<NoOptions>
{
    protected override string Name => "test.add";

    protected override string Description => "Adds two numbers.";

    protected override IReadOnlyList<PortDescriptor> Inputs => [new("a", TestPorts.Number, "First."), new("b", TestPorts.Number, "Second.")];

    protected override IReadOnlyList<PortDescriptor> Outputs => [new("sum", TestPorts.Number), new("difference", TestPorts.Number)];

    protected override Task<NodeOutputs> ExecuteAsync(INodeExecutionContext context, NoOptions options)
    {
        var a = context.GetInput<NumberValue>("a").Value;
        var b = context.GetInput<NumberValue>("b").Value;
        return Task.FromResult(new NodeOutputs().With("sum", new NumberValue(a + b)).With("difference", new NumberValue(a - b)));
    }
}

/// <summary><c>test.sum</c>: a variadic input <c>values</c>; outputs their <c>sum</c> and a <c>metrics</c> set listing them.</summary>
public sealed class SumNode : NodeType<NoOptions>
{
    protected override string Name => "test.sum";

    protected override string Description => "Sums any number of numbers.";

    protected override IReadOnlyList<PortDescriptor> Inputs => [new("values", TestPorts.Number, "Numbers.", Optional: true, Variadic: true)];

    protected override IReadOnlyList<PortDescriptor> Outputs => [new("sum", TestPorts.Number), new("metrics", PortType.Metrics)];

    protected override Task<NodeOutputs> ExecuteAsync(INodeExecutionContext context, NoOptions options)
    {
        var values = context.GetInputs<NumberValue>("values");
        var metrics = new MetricSet("sum", values.Select((v, i) => (Key: $"v{i}", v.Value)).ToDictionary(p => p.Key, p => p.Value));
        return Task.FromResult(new NodeOutputs().With("sum", new NumberValue(values.Sum(v => v.Value))).With("metrics", metrics));
    }
}

/// <summary><c>test.pass</c>: a required input <c>in</c> passed through to <c>value</c>.</summary>
public sealed class PassNode : NodeType<NoOptions>
{
    protected override string Name => "test.pass";

    protected override string Description => "Passes a number through.";

    protected override IReadOnlyList<PortDescriptor> Inputs => [new("in", TestPorts.Number)];

    protected override IReadOnlyList<PortDescriptor> Outputs => [new("value", TestPorts.Number)];

    protected override Task<NodeOutputs> ExecuteAsync(INodeExecutionContext context, NoOptions options) =>
        Task.FromResult(NodeOutputs.Of("value", context.GetInput<NumberValue>("in")));
}
