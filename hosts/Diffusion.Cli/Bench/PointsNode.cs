using Diffusion.Contracts;
using static TorchSharp.torch;

namespace Diffusion.Cli.Bench;

/// <summary>
/// <c>bench.points</c>: a CLI-internal source node whose output is the (x, y) points given in its params, so bench
/// results can be drawn by the plugins' plot nodes through the engine.
/// </summary>
internal sealed class PointsNode : NodeType<PointsNode.Options>
{
    public const string TypeName = "bench.points";

    internal sealed record Options
    {
        /// <summary>[[x, y], ...].</summary>
        public IReadOnlyList<double[]> Points { get; init; } = [];
    }

    protected override string Name => TypeName;

    protected override string Category => "bench";

    protected override string Description => "Benchmark results as points [count, 2] (x, y).";

    protected override IReadOnlyList<PortDescriptor> Outputs => [new("points", PortType.Points, "The points.")];

    protected override Task<NodeOutputs> ExecuteAsync(INodeExecutionContext context, Options options)
    {
        var values = options.Points.SelectMany(p => p.Length == 2 ? p : throw new ArgumentException("bench.points: every point is [x, y].")).ToArray();
        return Task.FromResult(NodeOutputs.Of("points", tensor(values, [options.Points.Count, 2])));
    }
}
