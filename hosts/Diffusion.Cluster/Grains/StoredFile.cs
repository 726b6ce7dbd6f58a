namespace Diffusion.Cluster.Grains;

/// <summary>A file a completed node wrote: its name in the run's folder and its content hash in the shared store.</summary>
[GenerateSerializer]
[Alias("diffusion.stored-file")]
public sealed record StoredFile([property: Id(0)] string Name, [property: Id(1)] string Sha256, [property: Id(2)] long Bytes);
