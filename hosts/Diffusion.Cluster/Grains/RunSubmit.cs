namespace Diffusion.Cluster.Grains;

/// <summary>What a front end sends to queue a run: the request as the server stores it, its priority and order.</summary>
[GenerateSerializer]
[Alias("diffusion.run-submit")]
public sealed record RunSubmit(
    [property: Id(0)] string? Pipeline,
    [property: Id(1)] string? Name,
    [property: Id(2)] string[] Set,
    [property: Id(3)] long Seed,
    [property: Id(4)] int Priority,
    [property: Id(5)] long Sequence);
