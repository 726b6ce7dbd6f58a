using Diffusion.Server;
using Microsoft.Extensions.Options;

namespace Diffusion.Cluster.Workers;

/// <summary>
/// This silo's workers (<c>Server:Workers</c>, runs executed at once): run grains placed here wait for a slot, higher
/// priority first, then in submission order, as in the server's queue.
/// </summary>
public sealed class WorkerSlots(IOptions<ServerOptions> options)
{
    private readonly Lock gate = new();
    private readonly List<Waiter> waiting = [];
    private int running;

    /// <summary>Runs executing now.</summary>
    public int Running
    {
        get
        {
            lock (gate)
            {
                return running;
            }
        }
    }

    /// <summary>Runs waiting for a slot.</summary>
    public int Waiting
    {
        get
        {
            lock (gate)
            {
                return waiting.Count;
            }
        }
    }

    /// <summary>Runs completed on this silo (any end), for the demo's per-silo counts.</summary>
    public long Completed => Interlocked.Read(ref completed);

    private long completed;

    public int Capacity => Math.Max(1, options.Value.Workers);

    /// <summary>Waits for a slot; dispose the result to free it.</summary>
    public async Task<IDisposable> AcquireAsync(int priority, long sequence, CancellationToken cancellationToken)
    {
        Waiter waiter;
        lock (gate)
        {
            if (running < Capacity && waiting.Count == 0)
            {
                running++;
                return new Slot(this);
            }

            waiter = new Waiter(priority, sequence);
            var at = waiting.FindIndex(w => w.Priority < priority || (w.Priority == priority && w.Sequence > sequence));
            waiting.Insert(at < 0 ? waiting.Count : at, waiter);
        }

        using (cancellationToken.Register(() => Abandon(waiter)))
        {
            await waiter.Granted.Task.ConfigureAwait(false);
        }

        return new Slot(this);
    }

    /// <summary>Counts a run that ended here.</summary>
    public void CountCompleted() => Interlocked.Increment(ref completed);

    private void Abandon(Waiter waiter)
    {
        lock (gate)
        {
            if (!waiting.Remove(waiter))
            {
                return;
            }
        }

        waiter.Granted.TrySetCanceled();
    }

    private void Release()
    {
        Waiter? next = null;
        lock (gate)
        {
            if (waiting.Count > 0)
            {
                // The slot passes straight to the next run: running stays the same.
                next = waiting[0];
                waiting.RemoveAt(0);
            }
            else
            {
                running--;
            }
        }

        next?.Granted.TrySetResult();
    }

    private sealed class Waiter(int priority, long sequence)
    {
        public int Priority { get; } = priority;

        public long Sequence { get; } = sequence;

        public TaskCompletionSource Granted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private sealed class Slot(WorkerSlots owner) : IDisposable
    {
        private int disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref disposed, 1) == 0)
            {
                owner.Release();
            }
        }
    }
}
