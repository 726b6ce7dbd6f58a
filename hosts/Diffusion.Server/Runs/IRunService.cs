using Diffusion.Server.Queue;

namespace Diffusion.Server.Runs;

/// <summary>
/// Where the <c>/v1/runs</c> endpoints keep runs: the embedded SQLite queue with this process's workers by default
/// (<see cref="LocalRunService"/>), or a cluster of workers (hosts/Diffusion.Cluster replaces this service). Requests
/// reach it already read and validated; it stores them, answers with runs as <see cref="RunRecord"/>s and their events
/// as <see cref="StoredEvent"/>s (ids 1, 2, 3, ... per run), and cancels them wherever they execute.
/// </summary>
public interface IRunService
{
    /// <summary>Accepts a run unless <paramref name="maxQueued"/> runs are already waiting; the run's first event is <c>queued</c>.</summary>
    Task<RunSubmission> SubmitAsync(string runId, int priority, StoredRequest request, int maxQueued, CancellationToken cancellationToken);

    /// <summary>The run, or null when there is none with this id.</summary>
    Task<RunRecord?> GetAsync(string runId, CancellationToken cancellationToken);

    /// <summary>Runs newest first, those with a <see cref="RunRecord.Sequence"/> below <paramref name="beforeSequence"/>.</summary>
    Task<IReadOnlyList<RunRecord>> ListAsync(long? beforeSequence, int limit, RunState? state, CancellationToken cancellationToken);

    /// <summary>
    /// Asks to cancel the run: a queued one ends at once, a running one through its own cancellation where it executes.
    /// Returns the state the run was in (an ended state: nothing was done), or null when there is no such run.
    /// </summary>
    Task<RunState?> CancelAsync(string runId, CancellationToken cancellationToken);

    /// <summary>At most <paramref name="limit"/> events of the run with ids above <paramref name="afterId"/>, in order.</summary>
    Task<IReadOnlyList<StoredEvent>> ReadEventsAsync(string runId, long afterId, int limit, CancellationToken cancellationToken);

    /// <summary>
    /// Waits until the run may have an event after <paramref name="afterId"/> (true), or <paramref name="timeout"/>
    /// passed without one (false). Never misses an event stored after the caller's last read.
    /// </summary>
    Task<bool> WaitForEventsAsync(string runId, long afterId, TimeSpan timeout, CancellationToken cancellationToken);

    /// <summary>How many runs wait and how many execute, wherever they execute (for <c>/v1/health</c>).</summary>
    Task<(int Queued, int Running)> CountsAsync(CancellationToken cancellationToken);
}

/// <summary>What a submission got: accepted (with the run as stored), or refused because <paramref name="Queued"/> runs wait.</summary>
/// <param name="Accepted">Whether the run was stored.</param>
/// <param name="Queued">Runs waiting when it was refused (for <c>Retry-After</c>).</param>
/// <param name="Run">The accepted run, as queued.</param>
public sealed record RunSubmission(bool Accepted, int Queued, RunRecord? Run);
