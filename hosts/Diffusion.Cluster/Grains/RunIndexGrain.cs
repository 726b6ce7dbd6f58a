using Diffusion.Server.Queue;

namespace Diffusion.Cluster.Grains;

/// <summary>
/// The run list (see <see cref="IRunIndexGrain"/>), stored in the same storage as runs. One grain is enough for the
/// request rates in docs/scale.md (a few calls per run); a larger cluster would shard it by time.
/// </summary>
public sealed class RunIndexGrain([PersistentState("index", ClusterStorage.Runs)] IPersistentState<RunIndexState> index) : Grain, IRunIndexGrain
{
    private readonly Dictionary<string, RunIndexEntry> byId = new(StringComparer.Ordinal);

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        foreach (var entry in index.State.Runs)
        {
            byId[entry.Id] = entry;
        }

        return Task.CompletedTask;
    }

    public async Task<(long Sequence, int Queued)> Add(string runId, int maxQueued)
    {
        if (byId.TryGetValue(runId, out var known))
        {
            return (known.Sequence, QueuedCount());
        }

        var queued = QueuedCount();
        if (queued >= maxQueued)
        {
            return (0, queued);
        }

        var entry = new RunIndexEntry { Id = runId, Sequence = ++index.State.LastSequence, State = RunState.Queued.Name() };
        index.State.Runs.Add(entry);
        byId[runId] = entry;
        await index.WriteStateAsync();
        return (entry.Sequence, queued + 1);
    }

    public async Task Update(string runId, string state)
    {
        if (byId.TryGetValue(runId, out var entry) && !string.Equals(entry.State, state, StringComparison.Ordinal))
        {
            entry.State = state;
            await index.WriteStateAsync();
        }
    }

    public Task<string[]> List(long? beforeSequence, int limit, string? state)
    {
        var runs = index.State.Runs;
        var page = new List<string>(limit);
        for (var i = runs.Count - 1; i >= 0 && page.Count < limit; i--)
        {
            var entry = runs[i];
            if ((beforeSequence is null || entry.Sequence < beforeSequence) && (state is null || string.Equals(entry.State, state, StringComparison.Ordinal)))
            {
                page.Add(entry.Id);
            }
        }

        return Task.FromResult(page.ToArray());
    }

    public Task<(int Queued, int Running)> Counts() =>
        Task.FromResult((QueuedCount(), index.State.Runs.Count(r => r.State == "running")));

    private int QueuedCount() => index.State.Runs.Count(r => r.State == "queued");
}
