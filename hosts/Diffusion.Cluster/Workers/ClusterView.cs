using Diffusion.Cluster.Grains;

namespace Diffusion.Cluster.Workers;

/// <summary>
/// This silo's picture of the others, refreshed every second by <see cref="WorkerReporter"/>, read by the placement
/// director without a call. Placements made here since a silo's last report are counted on top of its load, so a burst
/// of submissions between two reports spreads instead of piling onto the silo that looked idlest.
/// </summary>
public sealed class ClusterView
{
    private readonly Lock gate = new();
    private Dictionary<string, WorkerStatus> statuses = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> placedSinceReport = new(StringComparer.Ordinal);

    public void Update(IEnumerable<WorkerStatus> reported)
    {
        lock (gate)
        {
            var next = reported.ToDictionary(s => s.Silo, StringComparer.Ordinal);
            foreach (var (silo, status) in next)
            {
                if (!statuses.TryGetValue(silo, out var old) || old.ReportedAt != status.ReportedAt)
                {
                    placedSinceReport.Remove(silo);
                }
            }

            statuses = next;
        }
    }

    public WorkerStatus? Get(string silo)
    {
        lock (gate)
        {
            return statuses.GetValueOrDefault(silo);
        }
    }

    public int PlacedSinceReport(string silo)
    {
        lock (gate)
        {
            return placedSinceReport.GetValueOrDefault(silo);
        }
    }

    public void NotePlaced(string silo)
    {
        lock (gate)
        {
            placedSinceReport[silo] = placedSinceReport.GetValueOrDefault(silo) + 1;
        }
    }
}
