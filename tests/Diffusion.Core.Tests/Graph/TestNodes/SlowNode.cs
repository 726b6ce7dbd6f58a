using Diffusion.Contracts;

namespace Diffusion.Core.Tests.TestNodes;

/// <summary>
/// <c>test.slow</c>: waits until the run is cancelled (never finishes otherwise). <see cref="Started"/> completes when
/// it begins, so a test cancels at a known point.
/// </summary>
public sealed class SlowNode : NodeType<NoOptions>
{
    private readonly TaskCompletionSource started = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when the node starts executing.</summary>
    public Task Started => started.Task;

    protected override string Name => "test.slow";

    protected override string Description => "Waits for cancellation.";

    protected override IReadOnlyList<PortDescriptor> Inputs => [new("in", TestPorts.Number, Optional: true)];

    protected override IReadOnlyList<PortDescriptor> Outputs => [new("value", TestPorts.Number)];

    protected override async Task<NodeOutputs> ExecuteAsync(INodeExecutionContext context, NoOptions options)
    {
        started.TrySetResult();
        await Task.Delay(Timeout.Infinite, context.CancellationToken);
        return NodeOutputs.Of("value", new NumberValue(0));
    }
}
