namespace Diffusion.Cluster.Grains;

/// <summary>
/// A run as stored in Redis (grain state "run" in storage "runs"). Stored as JSON with its type name: renaming this type
/// or its namespace makes stored runs unreadable.
/// </summary>
[GenerateSerializer]
[Alias("diffusion.run-state")]
public sealed class RunGrainState
{
    /// <summary>queued, running, succeeded, failed, cancelled; null before the run was submitted.</summary>
    [Id(0)] public string? State { get; set; }
    [Id(1)] public long Sequence { get; set; }
    [Id(2)] public int Priority { get; set; }
    [Id(3)] public DateTimeOffset CreatedAt { get; set; }
    [Id(4)] public DateTimeOffset? StartedAt { get; set; }
    [Id(5)] public DateTimeOffset? FinishedAt { get; set; }
    [Id(6)] public int Attempts { get; set; }
    [Id(7)] public string? Pipeline { get; set; }
    [Id(8)] public string? Name { get; set; }
    [Id(9)] public List<string> Set { get; set; } = [];
    [Id(10)] public long Seed { get; set; }
    [Id(11)] public bool CancelRequested { get; set; }
    [Id(12)] public string? Error { get; set; }
    [Id(13)] public string? ProgressJson { get; set; }
    [Id(14)] public string? OutputsJson { get; set; }
    [Id(15)] public List<RunEventRow> Events { get; set; } = [];

    /// <summary>The silo of the latest attempt.</summary>
    [Id(16)] public string? Silo { get; set; }

    /// <summary>Nodes completed by earlier attempts, by node key (content hash), with the files they wrote.</summary>
    [Id(17)] public Dictionary<string, List<StoredFile>> CompletedNodes { get; set; } = new(StringComparer.Ordinal);
}
