using System.Diagnostics;
using Diffusion.Contracts;

namespace Diffusion.Plugins.Tests.Toy2d;

/// <summary>
/// A stand-in for the Sampling plugin's generic <c>sample</c> node (same ports and the params these pipelines use):
/// runs <see cref="ISampler.Sample"/> for [count, ..sample shape] from a generator seeded with <c>seed</c>.
/// Used by <see cref="HandWiredPipeline"/> only while no plugin registers <c>sample</c>.
/// </summary>
internal sealed class SampleShimNode : NodeType<SampleShimNode.Options>
{
    protected override string Name => "sample";

    protected override string Description => "Test stand-in for the generic sample node.";

    protected override IReadOnlyList<PortDescriptor> Inputs =>
    [
        new("sampler", PortType.Sampler),
        new("denoiser", PortType.Denoiser),
        new("scheduler", PortType.Scheduler),
    ];

    protected override IReadOnlyList<PortDescriptor> Outputs => [new("samples", PortType.Tensor), new("metrics", PortType.Metrics)];

    protected override Task<NodeOutputs> ExecuteAsync(INodeExecutionContext context, Options options)
    {
        var denoiser = context.GetInput<IDenoiser>("denoiser");
        using var generator = context.Run.CreateGenerator(options.Seed);
        var clock = Stopwatch.StartNew();
        var result = context.GetInput<ISampler>("sampler").Sample(new SamplingRequest
        {
            Denoiser = denoiser,
            Scheduler = context.GetInput<IScheduler>("scheduler"),
            Schedule = context.GetInput<IScheduler>("scheduler").CreateInferenceSchedule(options.Steps),
            Shape = [options.Count, .. denoiser.Info.SampleShape],
            Generator = generator,
            Device = context.Run.Device,
            CancellationToken = context.CancellationToken,
        });
        var metrics = new MetricSet(context.NodeId, new Dictionary<string, double> { ["nfe"] = result.FunctionEvaluations, ["seconds"] = clock.Elapsed.TotalSeconds });
        return Task.FromResult(new NodeOutputs().With("samples", result.Samples).With("metrics", metrics));
    }

    public sealed record Options
    {
        public int Steps { get; init; } = 50;

        public int Count { get; init; } = 1;

        public long? Seed { get; init; }
    }
}
