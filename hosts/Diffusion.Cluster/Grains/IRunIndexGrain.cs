namespace Diffusion.Cluster.Grains;

/// <summary>
/// The cluster's list of runs (one grain, key 0): it gives each run its sequence number, bounds how many runs wait
/// (the server's 429), and pages the history newest first. Run grains report their state changes to it.
/// </summary>
public interface IRunIndexGrain : IGrainWithIntegerKey
{
    /// <summary>Adds a run unless <paramref name="maxQueued"/> runs are queued; returns its sequence (0: refused) and the queued count.</summary>
    Task<(long Sequence, int Queued)> Add(string runId, int maxQueued);

    /// <summary>Records a run's new state.</summary>
    Task Update(string runId, string state);

    /// <summary>Run ids newest first with a sequence below <paramref name="beforeSequence"/>, in <paramref name="state"/> when given.</summary>
    Task<string[]> List(long? beforeSequence, int limit, string? state);

    /// <summary>How many runs are queued and running.</summary>
    Task<(int Queued, int Running)> Counts();
}
