using Diffusion.Cluster.Execution;
using Diffusion.Cluster.Grains;
using Diffusion.Cluster.Placement;
using Diffusion.Server.Queue;
using Diffusion.Server.Runs;
using Microsoft.Extensions.Options;

namespace Diffusion.Cluster.Frontend;

/// <summary>
/// The server's run service backed by the cluster: every run is a <see cref="IRunGrain"/>, the list and the queue bound
/// are the <see cref="IRunIndexGrain"/>. The first call to a run carries its model keys, so placement can send it to a
/// silo that has them loaded. Calls that meet a silo being lost are retried (<see cref="ClusterCalls"/>).
/// </summary>
internal sealed class ClusterRunService(IClusterClient client, RunPipelineResolver resolver, IOptions<ClusterSettings> settings) : IRunService
{
    private IRunIndexGrain Index => client.GetGrain<IRunIndexGrain>(0);

    public async Task<RunSubmission> SubmitAsync(string runId, int priority, StoredRequest request, int maxQueued, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var (sequence, queued) = await ClusterCalls.RetryAsync(() => Index.Add(runId, maxQueued), cancellationToken).ConfigureAwait(false);
        if (sequence == 0)
        {
            return new RunSubmission(false, queued, null);
        }

        var resolved = resolver.Resolve(request);
        var keys = resolved.Pipeline is null ? [] : ModelKeys.Of(resolved.Pipeline);
        var submit = new RunSubmit(request.Pipeline, request.Name, [.. request.Set], request.Seed, priority, sequence);
        var snapshot = await ClusterCalls.RetryAsync(
            () =>
            {
                // Read by the placement director on the first call only (the call that activates the grain).
                RequestContext.Set(PlacementHints.ModelKeys, string.Join(',', keys));
                if (settings.Value.Device is { Length: > 0 } device)
                {
                    RequestContext.Set(PlacementHints.Device, device);
                }

                try
                {
                    return client.GetGrain<IRunGrain>(runId).Submit(submit);
                }
                finally
                {
                    RequestContext.Clear();
                }
            },
            cancellationToken).ConfigureAwait(false);
        return new RunSubmission(true, queued, ToRecord(snapshot));
    }

    public Task<(int Queued, int Running)> CountsAsync(CancellationToken cancellationToken) =>
        ClusterCalls.RetryAsync(() => Index.Counts(), cancellationToken);

    public async Task<RunRecord?> GetAsync(string runId, CancellationToken cancellationToken)
    {
        var snapshot = await ClusterCalls.RetryAsync(() => client.GetGrain<IRunGrain>(runId).Get(), cancellationToken).ConfigureAwait(false);
        return snapshot is null ? null : ToRecord(snapshot);
    }

    public async Task<IReadOnlyList<RunRecord>> ListAsync(long? beforeSequence, int limit, RunState? state, CancellationToken cancellationToken)
    {
        var ids = await ClusterCalls.RetryAsync(() => Index.List(beforeSequence, limit, state?.Name()), cancellationToken).ConfigureAwait(false);
        var runs = await Task.WhenAll(ids.Select(id => GetAsync(id, cancellationToken))).ConfigureAwait(false);
        return [.. runs.OfType<RunRecord>()];
    }

    public async Task<RunState?> CancelAsync(string runId, CancellationToken cancellationToken)
    {
        var state = await ClusterCalls.RetryAsync(() => client.GetGrain<IRunGrain>(runId).Cancel(), cancellationToken).ConfigureAwait(false);
        return state is null ? null : RunStates.Parse(state);
    }

    public async Task<IReadOnlyList<StoredEvent>> ReadEventsAsync(string runId, long afterId, int limit, CancellationToken cancellationToken)
    {
        var rows = await ClusterCalls.RetryAsync(() => client.GetGrain<IRunGrain>(runId).ReadEvents(afterId, limit), cancellationToken).ConfigureAwait(false);
        return [.. rows.Select(r => new StoredEvent(r.Id, r.Kind, r.Data))];
    }

    public async Task<bool> WaitForEventsAsync(string runId, long afterId, TimeSpan timeout, CancellationToken cancellationToken)
    {
        // The grain waits at most a few seconds per call (well inside the response timeout); the rest is waited here.
        var clock = System.Diagnostics.Stopwatch.StartNew();
        do
        {
            var remaining = timeout - clock.Elapsed;
            if (await ClusterCalls.RetryAsync(() => client.GetGrain<IRunGrain>(runId).WaitForEvents(afterId, remaining), cancellationToken).ConfigureAwait(false))
            {
                return true;
            }
        }
        while (clock.Elapsed < timeout && !cancellationToken.IsCancellationRequested);

        return false;
    }

    internal static RunRecord ToRecord(RunSnapshot s) => new(
        s.Id,
        s.Sequence,
        RunStates.Parse(s.State),
        s.Priority,
        s.CreatedAt,
        s.StartedAt,
        s.FinishedAt,
        s.Attempts,
        new StoredRequest(s.Pipeline, s.Name, s.Set, s.Seed),
        s.CancelRequested,
        s.Error,
        s.ProgressJson,
        s.OutputsJson,
        s.LastEventId);
}
