namespace Diffusion.Cluster.Grains;

/// <summary>
/// What a silo tells the others about itself, once a second: its devices, how many runs it executes and how many wait
/// for it, and the models it has loaded (keys of the pipelines' source nodes it ran recently), for placement.
/// </summary>
[GenerateSerializer]
[Alias("diffusion.worker-status")]
public sealed record WorkerStatus(
    [property: Id(0)] string Silo,
    [property: Id(1)] string Device,
    [property: Id(2)] int Workers,
    [property: Id(3)] int Running,
    [property: Id(4)] int Waiting,
    [property: Id(5)] string[] ModelKeys,
    [property: Id(6)] DateTimeOffset ReportedAt,
    [property: Id(7)] long Completed);
