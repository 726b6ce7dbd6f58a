using Diffusion.Contracts;

namespace Diffusion.Cli.Bench;

/// <summary>
/// <c>bench.trivial_denoiser</c>: a CLI-internal node whose output is a <see cref="TrivialDenoiser"/>, so sampler
/// benchmarks can run the real sampler plugins through the engine without a network.
/// </summary>
internal sealed class TrivialDenoiserNode : NodeType<TrivialDenoiserNode.Options>
{
    public const string TypeName = "bench.trivial_denoiser";

    internal sealed record Options
    {
        /// <summary>ε̂ = scale · x_t.</summary>
        public double Scale { get; init; } = 0.1;

        /// <summary>One sample's shape without the batch.</summary>
        public IReadOnlyList<long> SampleShape { get; init; } = [4, 64, 64];
    }

    protected override string Name => TypeName;

    protected override string Category => "bench";

    protected override string Description => "Benchmark denoiser: predicts ε̂ = scale · x_t (one elementwise op).";

    protected override IReadOnlyList<PortDescriptor> Outputs => [new("denoiser", PortType.Denoiser, "The trivial denoiser.")];

    protected override Task<NodeOutputs> ExecuteAsync(INodeExecutionContext context, Options options) =>
        Task.FromResult(NodeOutputs.Of("denoiser", new TrivialDenoiser(options.SampleShape, options.Scale)));
}
