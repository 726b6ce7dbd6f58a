using Diffusion.Contracts;

namespace Diffusion.Core.Tests.TestNodes;

/// <summary>Params of <c>test.counter</c>.</summary>
public sealed record CounterOptions
{
    [Param("A number.")]
    public double Value { get; init; }

    [Param("Progress steps to report.", Min = 0)]
    public int Steps { get; init; }
}

/// <summary>
/// <c>test.counter</c>: counts how often it really executes (cache tests), reports <c>steps</c> progress events, and
/// outputs <c>value</c> (+ the optional input <c>in</c>).
/// </summary>
public sealed class CounterNode : NodeType<CounterOptions>
{
    private int executions;

    /// <summary>How many times ExecuteAsync ran on this instance.</summary>
    public int Executions => Volatile.Read(ref executions);

    protected override string Name => "test.counter";

    protected override string Description => "Counts executions.";

    protected override IReadOnlyList<PortDescriptor> Inputs => [new("in", TestPorts.Number, Optional: true)];

    protected override IReadOnlyList<PortDescriptor> Outputs => [new("value", TestPorts.Number)];

    protected override Task<NodeOutputs> ExecuteAsync(INodeExecutionContext context, CounterOptions options)
    {
        Interlocked.Increment(ref executions);
        for (var step = 1; step <= options.Steps; step++)
        {
            context.Progress.Report(new NodeProgress(step, options.Steps, $"step {step}", new Dictionary<string, double> { ["loss"] = 1.0 / step }));
        }

        var input = context.GetOptionalInput<NumberValue>("in")?.Value ?? 0;
        return Task.FromResult(NodeOutputs.Of("value", new NumberValue(input + options.Value)));
    }
}
