using Diffusion.Contracts;
using TorchSharp;

namespace Diffusion.Core;

/// <summary>
/// Node outputs by content hash of (type, params, input hashes), shared by all runs of a host, evicting the least
/// recently used entries beyond a memory budget. Cached tensors are shared: nodes must not modify their inputs in place.
/// </summary>
public sealed class NodeOutputCache(long budgetBytes)
{
    private readonly Lock gate = new();
    private readonly Dictionary<string, LinkedListNode<Entry>> entries = new(StringComparer.Ordinal);
    private readonly LinkedList<Entry> recency = new();
    private long usedBytes;

    /// <summary>The memory budget in bytes (0 disables caching).</summary>
    public long BudgetBytes { get; } = budgetBytes;

    /// <summary>Bytes held now (estimated: tensor storage plus a fixed amount per other value).</summary>
    public long UsedBytes
    {
        get
        {
            lock (gate)
            {
                return usedBytes;
            }
        }
    }

    /// <summary>Number of cached node results.</summary>
    public int Count
    {
        get
        {
            lock (gate)
            {
                return entries.Count;
            }
        }
    }

    /// <summary>Looks up outputs by key and marks them recently used.</summary>
    public bool TryGet(string key, out NodeOutputs outputs)
    {
        lock (gate)
        {
            if (entries.TryGetValue(key, out var node))
            {
                recency.Remove(node);
                recency.AddFirst(node);
                outputs = node.Value.Outputs;
                return true;
            }
        }

        outputs = null!;
        return false;
    }

    /// <summary>Stores outputs; entries larger than the whole budget are not kept.</summary>
    public void Put(string key, NodeOutputs outputs)
    {
        ArgumentNullException.ThrowIfNull(outputs);
        var size = EstimateBytes(outputs);
        if (size > BudgetBytes)
        {
            return;
        }

        lock (gate)
        {
            if (entries.Remove(key, out var old))
            {
                recency.Remove(old);
                usedBytes -= old.Value.Bytes;
            }

            var node = recency.AddFirst(new Entry(key, outputs, size));
            entries[key] = node;
            usedBytes += size;
            while (usedBytes > BudgetBytes && recency.Last is { } last)
            {
                recency.RemoveLast();
                entries.Remove(last.Value.Key);
                usedBytes -= last.Value.Bytes;
            }
        }
    }

    /// <summary>Drops everything.</summary>
    public void Clear()
    {
        lock (gate)
        {
            entries.Clear();
            recency.Clear();
            usedBytes = 0;
        }
    }

    private static long EstimateBytes(NodeOutputs outputs) =>
        outputs.Values.Values.Sum(v => v is torch.Tensor t && !t.IsInvalid ? t.NumberOfElements * t.ElementSize : 1024L);

    private sealed record Entry(string Key, NodeOutputs Outputs, long Bytes);
}
