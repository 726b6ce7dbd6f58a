using Diffusion.Contracts;

namespace Diffusion.Plugins.Images;

/// <summary>Joins metric sets that describe the same thing (e.g. a sampler's nfe and its samples' SWD) into one table row.</summary>
public static class MetricsMerge
{
    /// <summary>
    /// One set labelled <paramref name="label"/> holding every value of <paramref name="sets"/> (or only
    /// <paramref name="keys"/>, in that order). A name that two sets give different values is ambiguous and rejected,
    /// since silently keeping one would put the wrong number in the table.
    /// </summary>
    /// <exception cref="ArgumentException">A conflicting value, or a requested key that no set has.</exception>
    public static MetricSet Merge(IReadOnlyList<MetricSet> sets, string label, IReadOnlyList<string>? keys = null)
    {
        ArgumentNullException.ThrowIfNull(sets);
        ArgumentNullException.ThrowIfNull(label);
        var merged = new Dictionary<string, double>(StringComparer.Ordinal);
        var source = new Dictionary<string, string>(StringComparer.Ordinal);
        var wanted = keys is null ? null : new HashSet<string>(keys, StringComparer.Ordinal);
        foreach (var set in sets)
        {
            foreach (var (name, value) in set.Values)
            {
                if (wanted is not null && !wanted.Contains(name))
                {
                    continue;
                }

                if (merged.TryGetValue(name, out var existing))
                {
                    if (!existing.Equals(value))
                    {
                        throw new ArgumentException($"metric '{name}' is {existing} in set '{source[name]}' but {value} in set '{set.Label}'; list only one of them in 'keys' or link one set only.");
                    }

                    continue;
                }

                merged[name] = value;
                source[name] = set.Label;
            }
        }

        if (keys is null)
        {
            return new MetricSet(label, merged);
        }

        var missing = keys.Where(k => !merged.ContainsKey(k)).ToList();
        if (missing.Count > 0)
        {
            var available = sets.SelectMany(s => s.Values.Keys).Distinct(StringComparer.Ordinal);
            throw new ArgumentException($"no linked metric set has {string.Join(", ", missing.Select(m => $"'{m}'"))}; available: {string.Join(", ", available)}.");
        }

        var ordered = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var key in keys)
        {
            ordered[key] = merged[key];
        }

        return new MetricSet(label, ordered);
    }
}
