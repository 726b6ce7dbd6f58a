using Diffusion.Contracts;

namespace Diffusion.Plugins.Toy2d;

/// <summary><c>dataset.toy2d</c>: a toy 2-D distribution (two moons, swiss roll, eight Gaussians, checkerboard, 5 × 5 grid of Gaussians).</summary>
public sealed class Toy2dDatasetNode : NodeType<Toy2dDatasetOptions>
{
    /// <inheritdoc />
    protected override string Name => "dataset.toy2d";

    /// <inheritdoc />
    protected override string Category => "data";

    /// <inheritdoc />
    protected override string Description => "A toy 2-D distribution sampled afresh from the caller's generator.";

    /// <inheritdoc />
    protected override IReadOnlyList<PortDescriptor> Outputs => [new("dataset", PortType.Dataset, "The distribution as a dataset of [2] points.")];

    /// <inheritdoc />
    protected override Task<NodeOutputs> ExecuteAsync(INodeExecutionContext context, Toy2dDatasetOptions options) =>
        Task.FromResult(NodeOutputs.Of("dataset", new Toy2dDataset(options)));
}
