using Diffusion.Contracts;

namespace Diffusion.Plugins.Ddpm;

/// <summary>The <c>sampler.ddpm</c> node: outputs a configured <see cref="DdpmSampler"/>.</summary>
public sealed class DdpmSamplerNode : NodeType<DdpmSamplerOptions>
{
    /// <inheritdoc />
    protected override string Name => "sampler.ddpm";

    /// <inheritdoc />
    protected override string Category => "sampling";

    /// <inheritdoc />
    protected override string Description => "DDPM ancestral sampling (Ho et al. 2020, Algorithm 2).";

    /// <inheritdoc />
    protected override IReadOnlyList<PortDescriptor> Outputs { get; } =
        [new PortDescriptor("sampler", PortType.Sampler, "The configured sampler.")];

    /// <inheritdoc />
    protected override Task<NodeOutputs> ExecuteAsync(INodeExecutionContext context, DdpmSamplerOptions options) =>
        Task.FromResult(NodeOutputs.Of("sampler", new DdpmSampler(options)));
}
