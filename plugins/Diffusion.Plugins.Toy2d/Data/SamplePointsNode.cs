using Diffusion.Contracts;

namespace Diffusion.Plugins.Toy2d;

/// <summary><c>dataset.sample_points</c>: draws fresh true points [count, d] from a dataset (for plots and references).</summary>
public sealed class SamplePointsNode : NodeType<SamplePointsOptions>
{
    /// <inheritdoc />
    protected override string Name => "dataset.sample_points";

    /// <inheritdoc />
    protected override string Category => "data";

    /// <inheritdoc />
    protected override string Description => "Draws count points from a dataset with a seeded CPU generator.";

    /// <inheritdoc />
    protected override IReadOnlyList<PortDescriptor> Inputs => [new("dataset", PortType.Dataset, "The distribution to draw from.")];

    /// <inheritdoc />
    protected override IReadOnlyList<PortDescriptor> Outputs => [new("points", PortType.Points, "The points [count, d], float32 on the CPU.")];

    /// <inheritdoc />
    protected override Task<NodeOutputs> ExecuteAsync(INodeExecutionContext context, SamplePointsOptions options)
    {
        var dataset = context.GetInput<IDataset>("dataset");
        using var generator = context.Run.CreateGenerator(options.Seed);
        var batch = dataset.Sample(options.Count, generator);
        batch.Labels?.Dispose();
        return Task.FromResult(NodeOutputs.Of("points", batch.Data));
    }
}
