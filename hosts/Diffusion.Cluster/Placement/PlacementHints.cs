namespace Diffusion.Cluster.Placement;

/// <summary>
/// Request-context keys a front end sets on a run's first call, read by the placement director: the run's model keys
/// and the device kind it needs. A grain reactivated by its reminder carries none and is placed by load alone.
/// </summary>
public static class PlacementHints
{
    /// <summary>The keys of the run's source nodes (its model loads), joined by commas.</summary>
    public const string ModelKeys = "diffusion.model-keys";

    /// <summary>The device kind the run needs (<c>cpu</c>, <c>cuda</c>); absent: any.</summary>
    public const string Device = "diffusion.device";
}
