namespace Diffusion.Cluster.Grains;

/// <summary>A run as the front end shows it (the server's run record) plus the silo of its latest attempt.</summary>
[GenerateSerializer]
[Alias("diffusion.run-snapshot")]
public sealed record RunSnapshot(
    [property: Id(0)] string Id,
    [property: Id(1)] long Sequence,
    [property: Id(2)] string State,
    [property: Id(3)] int Priority,
    [property: Id(4)] DateTimeOffset CreatedAt,
    [property: Id(5)] DateTimeOffset? StartedAt,
    [property: Id(6)] DateTimeOffset? FinishedAt,
    [property: Id(7)] int Attempts,
    [property: Id(8)] string? Pipeline,
    [property: Id(9)] string? Name,
    [property: Id(10)] string[] Set,
    [property: Id(11)] long Seed,
    [property: Id(12)] bool CancelRequested,
    [property: Id(13)] string? Error,
    [property: Id(14)] string? ProgressJson,
    [property: Id(15)] string? OutputsJson,
    [property: Id(16)] long LastEventId,
    [property: Id(17)] string? Silo);
