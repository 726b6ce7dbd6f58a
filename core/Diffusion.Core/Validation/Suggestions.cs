namespace Diffusion.Core;

/// <summary>"Did you mean" hints for misspelled names (Levenshtein distance).</summary>
public static class Suggestions
{
    /// <summary>A hint such as <c> Did you mean "sampler.ddim"?</c>, or an empty string.</summary>
    public static string DidYouMean(string given, IEnumerable<string> candidates)
    {
        ArgumentNullException.ThrowIfNull(given);
        ArgumentNullException.ThrowIfNull(candidates);
        var best = candidates
            .Select(c => (Name: c, Distance: Distance(given, c)))
            .Where(c => c.Distance <= Math.Max(2, given.Length / 3))
            .OrderBy(c => c.Distance)
            .ThenBy(c => c.Name, StringComparer.Ordinal)
            .FirstOrDefault();
        return best.Name is null ? "" : $" Did you mean \"{best.Name}\"?";
    }

    private static int Distance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = char.ToLowerInvariant(a[i - 1]) == char.ToLowerInvariant(b[j - 1]) ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }
}
