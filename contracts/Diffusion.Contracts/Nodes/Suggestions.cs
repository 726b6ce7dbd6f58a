namespace Diffusion.Contracts;

/// <summary>"Did you mean" hints for misspelled names (Levenshtein distance).</summary>
public static class Suggestions
{
    // Names longer than this are not compared: the distance costs length squared, and such names are not typos.
    private const int MaxComparedLength = 200;

    /// <summary>A hint such as <c> Did you mean "sampler.ddim"?</c>, or an empty string.</summary>
    public static string DidYouMean(string given, IEnumerable<string> candidates) => DidYouMean(given, candidates, enabled: true);

    /// <summary>As <see cref="DidYouMean(string, IEnumerable{string})"/>, or an empty string when not <paramref name="enabled"/>.</summary>
    public static string DidYouMean(string given, IEnumerable<string> candidates, bool enabled)
    {
        ArgumentNullException.ThrowIfNull(given);
        ArgumentNullException.ThrowIfNull(candidates);
        if (!enabled || given.Length > MaxComparedLength)
        {
            return "";
        }

        var limit = Math.Max(2, given.Length / 3);
        var best = candidates
            .Where(c => Math.Abs(c.Length - given.Length) <= limit)
            .Select(c => (Name: c, Distance: Distance(given, c)))
            .Where(c => c.Distance <= limit)
            .OrderBy(c => c.Distance)
            .ThenBy(c => c.Name, StringComparer.Ordinal)
            .FirstOrDefault();
        return best.Name is null ? "" : $" Did you mean \"{best.Name}\"?";
    }

    /// <summary>
    /// Optimal string alignment distance: Levenshtein plus swaps of adjacent letters at cost 1, the most common typo
    /// ("stpes" is one edit from "steps", not two, so it is not tied with "sizes").
    /// </summary>
    private static int Distance(string a, string b)
    {
        var beforePrevious = new int[b.Length + 1];
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
                var cost = Same(a[i - 1], b[j - 1]) ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
                if (i > 1 && j > 1 && Same(a[i - 1], b[j - 2]) && Same(a[i - 2], b[j - 1]))
                {
                    current[j] = Math.Min(current[j], beforePrevious[j - 2] + 1);
                }
            }

            (beforePrevious, previous, current) = (previous, current, beforePrevious);
        }

        return previous[b.Length];
    }

    private static bool Same(char x, char y) => char.ToLowerInvariant(x) == char.ToLowerInvariant(y);
}
