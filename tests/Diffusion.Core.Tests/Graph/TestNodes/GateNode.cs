using System.Collections.Concurrent;
using Diffusion.Contracts;

namespace Diffusion.Core.Tests.TestNodes;

/// <summary>Params of <c>test.gate</c>.</summary>
public sealed record GateOptions
{
    [Param("Gate nodes that must be running at once.", Min = 1)]
    public int Peers { get; init; } = 1;
}

/// <summary>
/// <c>test.gate</c>: records when it starts and ends and how many gate nodes run at once, and does not finish until
/// <c>peers</c> gate nodes have started. Run one at a time, a gate with peers 2 fails after a timeout instead of
/// hanging, so concurrency is proven by counts, not by wall-time thresholds.
/// </summary>
public sealed class GateNode : NodeType<GateOptions>
{
    private static readonly TimeSpan PeerTimeout = TimeSpan.FromSeconds(10);
    private int started;
    private int running;
    private int maxRunning;

    /// <summary>The most gate nodes that ran at the same moment.</summary>
    public int MaxRunning => Volatile.Read(ref maxRunning);

    /// <summary>Start and end sequence numbers by node id (one counter for both, so they order all events).</summary>
    public ConcurrentDictionary<string, (long Start, long End)> Spans { get; } = new();

    private long sequence;

    protected override string Name => "test.gate";

    protected override string Description => "Waits for peers.";

    protected override IReadOnlyList<PortDescriptor> Inputs => [new("in", TestPorts.Number, Optional: true)];

    protected override IReadOnlyList<PortDescriptor> Outputs => [new("value", TestPorts.Number)];

    protected override async Task<NodeOutputs> ExecuteAsync(INodeExecutionContext context, GateOptions options)
    {
        var start = Interlocked.Increment(ref sequence);
        Interlocked.Increment(ref started);
        var now = Interlocked.Increment(ref running);
        for (var max = Volatile.Read(ref maxRunning); now > max; max = Volatile.Read(ref maxRunning))
        {
            Interlocked.CompareExchange(ref maxRunning, now, max);
        }

        try
        {
            var deadline = DateTime.UtcNow + PeerTimeout;
            while (Volatile.Read(ref started) < options.Peers)
            {
                if (DateTime.UtcNow > deadline)
                {
                    throw new TimeoutException($"gate \"{context.NodeId}\" waited for {options.Peers} peers but only {started} started.");
                }

                await Task.Delay(5, context.CancellationToken);
            }
        }
        finally
        {
            Interlocked.Decrement(ref running);
            Spans[context.NodeId] = (start, Interlocked.Increment(ref sequence));
        }

        return NodeOutputs.Of("value", new NumberValue(options.Peers));
    }
}
