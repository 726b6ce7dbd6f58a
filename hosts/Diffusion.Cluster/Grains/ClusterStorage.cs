namespace Diffusion.Cluster.Grains;

/// <summary>Names of the cluster's grain storage and reminders.</summary>
public static class ClusterStorage
{
    /// <summary>The grain storage of runs and the run list (Redis in a real cluster).</summary>
    public const string Runs = "runs";

    /// <summary>The reminder every unfinished run holds.</summary>
    public const string WatchReminder = "watch";
}
