namespace Diffusion.Cluster.Workers;

/// <summary>
/// The models this silo has loaded, approximately: the keys (content hashes) of the source nodes of the pipelines it ran
/// lately, most recent first, at most <see cref="Capacity"/>. The engine's cache holds their outputs (the loaded
/// weights) under the same keys, so a run whose keys are here skips the model load.
/// </summary>
public sealed class LoadedModels
{
    public const int Capacity = 64;
    private readonly Lock gate = new();
    private readonly LinkedList<string> keys = [];

    public void Add(IEnumerable<string> loaded)
    {
        lock (gate)
        {
            foreach (var key in loaded)
            {
                keys.Remove(key);
                keys.AddFirst(key);
            }

            while (keys.Count > Capacity)
            {
                keys.RemoveLast();
            }
        }
    }

    public string[] Snapshot()
    {
        lock (gate)
        {
            return [.. keys];
        }
    }
}
