using Diffusion.Contracts;

namespace Diffusion.Cli.Bench;

/// <summary>A trivial node for engine benchmarks: adds up its inputs' values plus one.</summary>
internal sealed class PassThroughNode : NodeType<PassThroughNode.Options>
{
    public const string TypeName = "bench.pass";

    internal static readonly PortType Number = new("bench_number", typeof(StrongBox<long>));

    internal sealed record Options
    {
        public long Add { get; init; } = 1;
    }

    protected override string Name => TypeName;

    protected override string Description => "Benchmark node: sums its inputs and adds a constant.";

    protected override IReadOnlyList<PortDescriptor> Inputs => [new("in", Number, Optional: true, Variadic: true)];

    protected override IReadOnlyList<PortDescriptor> Outputs => [new("out", Number)];

    protected override Task<NodeOutputs> ExecuteAsync(INodeExecutionContext context, Options options) =>
        Task.FromResult(NodeOutputs.Of("out", Compute(context.GetInputs<StrongBox<long>>("in"), options.Add)));

    /// <summary>The node's work, also called directly by the baseline.</summary>
    internal static StrongBox<long> Compute(IReadOnlyList<StrongBox<long>> inputs, long add) => new(inputs.Sum(i => i.Value) + add);
}

/// <summary>A boxed value with reference identity (node outputs are objects).</summary>
internal sealed class StrongBox<T>(T value)
{
    public T Value { get; } = value;
}
