namespace Diffusion.Cluster.Grains;

/// <summary>Keeps the latest status of each silo; statuses older than five seconds are of silos that stopped reporting.</summary>
public sealed class WorkerRegistryGrain : Grain, IWorkerRegistryGrain
{
    private static readonly TimeSpan Stale = TimeSpan.FromSeconds(5);
    private readonly Dictionary<string, WorkerStatus> statuses = new(StringComparer.Ordinal);

    public Task<WorkerStatus[]> Report(WorkerStatus status)
    {
        ArgumentNullException.ThrowIfNull(status);
        statuses[status.Silo] = status;
        return All();
    }

    public Task<WorkerStatus[]> All()
    {
        var now = DateTimeOffset.UtcNow;
        return Task.FromResult(statuses.Values.Where(s => now - s.ReportedAt < Stale).OrderBy(s => s.Silo, StringComparer.Ordinal).ToArray());
    }
}
