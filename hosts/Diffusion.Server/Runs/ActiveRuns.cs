using System.Collections.Concurrent;

namespace Diffusion.Server.Runs;

/// <summary>The cancellation sources of runs executing in this process, so <c>DELETE /v1/runs/{id}</c> cancels that run only.</summary>
internal sealed class ActiveRuns
{
    private readonly ConcurrentDictionary<string, CancellationTokenSource> running = new(StringComparer.Ordinal);

    public void Add(string runId, CancellationTokenSource cancel) => running[runId] = cancel;

    public void Remove(string runId) => running.TryRemove(runId, out _);

    /// <summary>Cancels the run when it executes here; false when it does not (yet).</summary>
    public bool Cancel(string runId)
    {
        if (!running.TryGetValue(runId, out var cancel))
        {
            return false;
        }

        try
        {
            cancel.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The run ended between the lookup and the cancel.
        }

        return true;
    }

    public int Count => running.Count;
}
