namespace Diffusion.Cluster.Grains;

/// <summary>One event of a run as stored and streamed: id (1, 2, ... per run), kind, JSON data.</summary>
[GenerateSerializer]
[Alias("diffusion.run-event")]
public sealed record RunEventRow([property: Id(0)] long Id, [property: Id(1)] string Kind, [property: Id(2)] string Data);
