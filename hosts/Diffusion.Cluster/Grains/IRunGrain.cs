using Orleans.Concurrency;

namespace Diffusion.Cluster.Grains;

/// <summary>
/// One run of the cluster, keyed by the run id. The grain owns the run's state and events (stored in Redis) and
/// executes it on the silo it lives on; when that silo is lost, the next call or the run's reminder activates it on
/// another silo, which runs it again, reusing the files of nodes the lost attempt completed.
/// </summary>
public interface IRunGrain : IGrainWithStringKey
{
    /// <summary>Stores and queues the run (again: no change) and returns it.</summary>
    Task<RunSnapshot> Submit(RunSubmit submit);

    /// <summary>The run, or null when it was never submitted.</summary>
    [AlwaysInterleave]
    Task<RunSnapshot?> Get();

    /// <summary>Cancels the run where it executes; returns the state it was in, or null when it was never submitted.</summary>
    [AlwaysInterleave]
    Task<string?> Cancel();

    /// <summary>Up to <paramref name="limit"/> events after <paramref name="afterId"/>.</summary>
    [AlwaysInterleave]
    Task<RunEventRow[]> ReadEvents(long afterId, int limit);

    /// <summary>True when the run may have events after <paramref name="afterId"/>, false after <paramref name="timeout"/> without.</summary>
    [AlwaysInterleave]
    Task<bool> WaitForEvents(long afterId, TimeSpan timeout);
}
