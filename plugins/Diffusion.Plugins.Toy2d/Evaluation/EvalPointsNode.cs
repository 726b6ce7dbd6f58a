using Diffusion.Contracts;
using Microsoft.Extensions.Logging;
using static TorchSharp.torch;

namespace Diffusion.Plugins.Toy2d;

/// <summary>
/// <c>eval.points</c>: sliced Wasserstein distance and MMD² between samples and fresh true points, plus the same
/// metrics between two independent true sets (the noise floor a perfect model would reach at this sample size).
/// Draw order from the seeded generator: reference set A, reference set B, projection directions.
/// Outputs <c>swd</c>, <c>mmd</c>, <c>swd_floor</c>, <c>mmd_floor</c>, <c>swd_ratio</c> = swd / swd_floor, <c>count</c>.
/// </summary>
public sealed class EvalPointsNode : NodeType<EvalPointsOptions>
{
    /// <inheritdoc />
    protected override string Name => "eval.points";

    /// <inheritdoc />
    protected override string Category => "evaluation";

    /// <inheritdoc />
    protected override string Description => "Sliced Wasserstein distance and unbiased multi-bandwidth RBF MMD² of samples against fresh true points, with the true-vs-true noise floor.";

    /// <inheritdoc />
    protected override IReadOnlyList<PortDescriptor> Inputs =>
    [
        new("samples", PortType.Tensor, "Generated points [count, d]."),
        new("dataset", PortType.Dataset, "The true distribution."),
    ];

    /// <inheritdoc />
    protected override IReadOnlyList<PortDescriptor> Outputs => [new("metrics", PortType.Metrics, "swd, mmd, swd_floor, mmd_floor, swd_ratio, count.")];

    /// <inheritdoc />
    protected override Task<NodeOutputs> ExecuteAsync(INodeExecutionContext context, EvalPointsOptions options)
    {
        var samples = context.GetInput<Tensor>("samples");
        var dataset = context.GetInput<IDataset>("dataset");
        if (samples.dim() != 2)
        {
            throw new ArgumentException($"eval.points '{context.NodeId}': input 'samples' must be points [count, d], got [{string.Join(", ", samples.shape)}].");
        }

        using var generator = context.Run.CreateGenerator(options.Seed);
        var metrics = Evaluate(samples, dataset, options, generator);
        var set = new MetricSet(options.Label ?? context.NodeId, metrics);
        context.Logger.LogInformation("{Label}: swd {Swd:F4} (floor {SwdFloor:F4}), mmd {Mmd:E3} (floor {MmdFloor:E3})", set.Label, metrics["swd"], metrics["swd_floor"], metrics["mmd"], metrics["mmd_floor"]);
        return Task.FromResult(NodeOutputs.Of("metrics", set));
    }

    /// <summary>The metrics of <paramref name="samples"/> against <paramref name="dataset"/> (see the class summary).</summary>
    public static IReadOnlyDictionary<string, double> Evaluate(Tensor samples, IDataset dataset, EvalPointsOptions options, Generator generator)
    {
        ArgumentNullException.ThrowIfNull(samples);
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(generator);
        using var scope = NewDisposeScope();
        var x = samples.detach().cpu().to_type(ScalarType.Float64);
        var count = options.CountReference > 0 ? options.CountReference : (int)x.shape[0];
        var referenceA = dataset.Sample(count, generator).Data;
        var referenceB = dataset.Sample(count, generator).Data;
        var projections = PointMetrics.RandomProjections(options.Projections, x.shape[1], generator);
        var swd = PointMetrics.SlicedWasserstein(x, referenceA, projections);
        var swdFloor = PointMetrics.SlicedWasserstein(referenceB, referenceA, projections);
        return new Dictionary<string, double>(StringComparer.Ordinal)
        {
            ["swd"] = swd,
            ["mmd"] = PointMetrics.MmdSquared(x, referenceA, options.MmdBandwidths),
            ["swd_floor"] = swdFloor,
            ["mmd_floor"] = PointMetrics.MmdSquared(referenceB, referenceA, options.MmdBandwidths),
            ["swd_ratio"] = swd / swdFloor,
            ["count"] = x.shape[0],
        };
    }
}
