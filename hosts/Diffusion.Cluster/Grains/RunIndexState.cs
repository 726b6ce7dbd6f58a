namespace Diffusion.Cluster.Grains;

/// <summary>The stored run list: id, sequence and state of every run, in submission order.</summary>
[GenerateSerializer]
[Alias("diffusion.run-index-state")]
public sealed class RunIndexState
{
    [Id(0)] public long LastSequence { get; set; }
    [Id(1)] public List<RunIndexEntry> Runs { get; set; } = [];
}

/// <summary>One run in the list.</summary>
[GenerateSerializer]
[Alias("diffusion.run-index-entry")]
public sealed class RunIndexEntry
{
    [Id(0)] public string Id { get; set; } = "";
    [Id(1)] public long Sequence { get; set; }
    [Id(2)] public string State { get; set; } = "queued";
}
