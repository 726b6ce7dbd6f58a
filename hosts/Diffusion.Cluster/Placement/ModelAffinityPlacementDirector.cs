using Diffusion.Cluster.Workers;
using Microsoft.Extensions.Options;
using Orleans.Runtime.Placement;

namespace Diffusion.Cluster.Placement;

/// <summary>
/// Picks the silo of a new run grain: among the compatible silos that have the device the run needs (when it names one),
/// the lowest cost, where cost = (running + waiting + placed here since its last report) / workers, minus
/// <see cref="ClusterSettings.AffinityBonus"/> / workers when the silo already has one of the run's models loaded.
/// Ties go to a random silo. A silo with no status yet (just started) counts as idle without models.
/// </summary>
public sealed class ModelAffinityPlacementDirector(ClusterView view, IOptions<ClusterSettings> options) : IPlacementDirector
{
    public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var silos = context.GetCompatibleSilos(target);
        if (silos.Length == 0)
        {
            throw new OrleansException($"No silo can host {target.GrainIdentity}: the cluster has no compatible silo.");
        }

        var data = target.RequestContextData;
        var wanted = data is not null && data.TryGetValue(PlacementHints.ModelKeys, out var keys) && keys is string text
            ? text.Split(',', StringSplitOptions.RemoveEmptyEntries)
            : [];
        var device = data is not null && data.TryGetValue(PlacementHints.Device, out var d) ? d as string : null;

        var candidates = silos.Select(s => (Silo: s, Status: view.Get(s.ToString()))).ToList();
        if (!string.IsNullOrEmpty(device))
        {
            var capable = candidates.Where(c => c.Status is null || DeviceKind(c.Status.Device) == device || c.Status.Device == "auto").ToList();
            if (capable.Count > 0)
            {
                candidates = capable;
            }
        }

        var best = new List<SiloAddress>();
        var bestCost = double.MaxValue;
        foreach (var (silo, status) in candidates)
        {
            var name = silo.ToString();
            var workers = Math.Max(1, status?.Workers ?? 1);
            var load = (status?.Running ?? 0) + (status?.Waiting ?? 0) + view.PlacedSinceReport(name);
            var hasModel = status is not null && wanted.Length > 0 && wanted.Any(k => status.ModelKeys.Contains(k, StringComparer.Ordinal));
            var cost = (load - (hasModel ? options.Value.AffinityBonus : 0)) / workers;
            if (cost < bestCost - 1e-9)
            {
                bestCost = cost;
                best.Clear();
                best.Add(silo);
            }
            else if (Math.Abs(cost - bestCost) <= 1e-9)
            {
                best.Add(silo);
            }
        }

        var chosen = best[Random.Shared.Next(best.Count)];
        view.NotePlaced(chosen.ToString());
        return Task.FromResult(chosen);
    }

    private static string DeviceKind(string device)
    {
        var colon = device.IndexOf(':', StringComparison.Ordinal);
        return colon < 0 ? device : device[..colon];
    }
}
