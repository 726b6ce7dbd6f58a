using Diffusion.Contracts;

namespace Diffusion.Plugins.Ddim;

/// <summary>The <c>sampler.ddim</c> node: outputs a configured <see cref="DdimSampler"/>.</summary>
public sealed class DdimSamplerNode : NodeType<DdimSamplerOptions>
{
    /// <inheritdoc />
    protected override string Name => "sampler.ddim";

    /// <inheritdoc />
    protected override string Category => "sampling";

    /// <inheritdoc />
    protected override string Description => "DDIM sampling (Song et al. 2021, Eq. 12) with η.";

    /// <inheritdoc />
    protected override IReadOnlyList<PortDescriptor> Outputs { get; } =
        [new PortDescriptor("sampler", PortType.Sampler, "The configured sampler.")];

    /// <inheritdoc />
    protected override Task<NodeOutputs> ExecuteAsync(INodeExecutionContext context, DdimSamplerOptions options) =>
        Task.FromResult(NodeOutputs.Of("sampler", new DdimSampler(options)));
}
