using Diffusion.Cluster.Workers;
using Diffusion.Server;
using Microsoft.Extensions.Options;

namespace Diffusion.Cluster.Tests;

/// <summary>A silo's worker slots: higher priority first, then submission order; a cancelled wait leaves the line.</summary>
public sealed class WorkerSlotsTests
{
    [Fact]
    public async Task Waiting_runs_get_the_slot_by_priority_then_sequence_and_a_cancelled_one_leaves_the_line()
    {
        var slots = new WorkerSlots(Options.Create(new ServerOptions { Workers = 1 }));
        var holder = await slots.AcquireAsync(0, 1, CancellationToken.None);
        var order = new List<string>();
        using var cancel = new CancellationTokenSource();
        var waits = new[]
        {
            Take("low-late", 0, 5),
            Take("high", 5, 6),
            Take("low-early", 0, 2),
            Take("cancelled", 9, 7, cancel.Token),
        };
        slots.Waiting.Should().Be(4);
        await cancel.CancelAsync();
        await FluentActions.Awaiting(() => waits[3]).Should().ThrowAsync<OperationCanceledException>();
        slots.Waiting.Should().Be(3);

        holder.Dispose();
        await Task.WhenAll(waits[..3]);
        order.Should().Equal("high", "low-early", "low-late");
        slots.Running.Should().Be(0);
        slots.Waiting.Should().Be(0);

        async Task Take(string name, int priority, long sequence, CancellationToken token = default)
        {
            using var slot = await slots.AcquireAsync(priority, sequence, token);
            lock (order)
            {
                order.Add(name);
            }
        }
    }
}
