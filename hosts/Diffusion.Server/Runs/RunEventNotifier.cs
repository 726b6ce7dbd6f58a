using System.Collections.Concurrent;

namespace Diffusion.Server.Runs;

/// <summary>
/// Wakes event streams when a run has a new stored event. It carries no events itself: a stream takes
/// <see cref="Changed"/> first, then reads the database, then awaits the task, so an event stored in between is never
/// missed, and a slow client holds no buffer in memory (it reads at its own pace from the database).
/// </summary>
internal sealed class RunEventNotifier
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource> waiters = new(StringComparer.Ordinal);

    /// <summary>A task that completes at the next event of the run.</summary>
    public Task Changed(string runId) =>
        waiters.GetOrAdd(runId, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    /// <summary>Says that the run has a new event (also used to drop the entry of an ended run).</summary>
    public void Signal(string runId)
    {
        if (waiters.TryRemove(runId, out var waiter))
        {
            waiter.TrySetResult();
        }
    }
}
