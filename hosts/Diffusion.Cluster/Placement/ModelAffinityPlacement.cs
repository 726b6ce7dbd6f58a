using Orleans.Placement;

namespace Diffusion.Cluster.Placement;

/// <summary>
/// Places a run grain on a silo that can run it, preferring one that already has the run's models loaded, then the
/// least loaded (see <see cref="ModelAffinityPlacementDirector"/>).
/// </summary>
[GenerateSerializer]
[Alias("diffusion.model-affinity-placement")]
public sealed class ModelAffinityPlacement : PlacementStrategy
{
    public static ModelAffinityPlacement Instance { get; } = new();
}

/// <summary>Marks a grain class for <see cref="ModelAffinityPlacement"/>.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class ModelAffinityPlacementAttribute() : PlacementAttribute(ModelAffinityPlacement.Instance);
