using Diffusion.Server.Queue;

namespace Diffusion.Server.Runs;

/// <summary>
/// The default <see cref="IRunService"/>: runs in the SQLite queue of the data folder, executed by this process's
/// workers (<see cref="RunScheduler"/>); event streams wake on this process's <see cref="RunEventNotifier"/>.
/// </summary>
internal sealed class LocalRunService(RunStore store, QueueSignal signal, RunEventNotifier notifier, ActiveRuns active) : IRunService
{
    public Task<RunSubmission> SubmitAsync(string runId, int priority, StoredRequest request, int maxQueued, CancellationToken cancellationToken)
    {
        var queuedEvent = RunEvents.Create(runId, RunEvents.Queued);
        queuedEvent["priority"] = priority;
        var (accepted, queued) = store.TryEnqueue(runId, priority, request, maxQueued, queuedEvent);
        if (!accepted)
        {
            return Task.FromResult(new RunSubmission(false, queued, null));
        }

        // Read before waking a worker, so the answer shows the run as accepted (queued), not as whatever a worker made of it.
        var run = store.Get(runId)!;
        signal.Release();
        notifier.Signal(runId);
        return Task.FromResult(new RunSubmission(true, queued, run));
    }

    public Task<RunRecord?> GetAsync(string runId, CancellationToken cancellationToken) => Task.FromResult(store.Get(runId));

    public Task<(int Queued, int Running)> CountsAsync(CancellationToken cancellationToken) => Task.FromResult(store.Counts());

    public Task<IReadOnlyList<RunRecord>> ListAsync(long? beforeSequence, int limit, RunState? state, CancellationToken cancellationToken) =>
        Task.FromResult(store.List(beforeSequence, limit, state));

    public Task<RunState?> CancelAsync(string runId, CancellationToken cancellationToken)
    {
        var state = store.RequestCancel(runId, _ =>
        {
            var cancelled = RunEvents.Create(runId, RunEvents.Cancelled);
            cancelled["state"] = RunState.Cancelled.Name();
            cancelled["error"] = "cancelled by a client before it started";
            return cancelled;
        });
        if (state == RunState.Queued)
        {
            notifier.Signal(runId);
        }
        else if (state == RunState.Running)
        {
            active.Cancel(runId);
        }

        return Task.FromResult(state);
    }

    public Task<IReadOnlyList<StoredEvent>> ReadEventsAsync(string runId, long afterId, int limit, CancellationToken cancellationToken) =>
        Task.FromResult(store.ReadEvents(runId, afterId, limit));

    public async Task<bool> WaitForEventsAsync(string runId, long afterId, TimeSpan timeout, CancellationToken cancellationToken)
    {
        // Take the wake-up before looking, so an event stored after the look still wakes this wait.
        var changed = notifier.Changed(runId);
        if (store.Get(runId) is not { } run || run.LastEventId > afterId)
        {
            // Drops the wake-up just taken (others waiting on it only read again), so ended runs leave no entry behind.
            notifier.Signal(runId);
            return true;
        }

        var delay = Task.Delay(timeout, cancellationToken);
        return await Task.WhenAny(changed, delay).ConfigureAwait(false) == changed;
    }
}
