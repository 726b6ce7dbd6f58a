using System.Globalization;
using System.Text;

namespace Diffusion.Text;

/// <summary>
/// Unicode Normalization Form C (Unicode Standard Annex #15, §3 and §10: canonical decomposition, canonical ordering
/// by combining class, canonical composition), from tables in UnicodeComposition.txt. The hosts run with invariant
/// globalization, where .NET's <see cref="string.Normalize()"/> leaves non-ASCII text unchanged, yet transformers'
/// CLIP tokenizer composes (NFC) before splitting words, so "e" + U+0301 must become "é" to get the same ids.
/// </summary>
internal static class UnicodeNfc
{
    // Hangul syllables are composed arithmetically (UAX #15 / Unicode §3.12).
    private const int SBase = 0xAC00, LBase = 0x1100, VBase = 0x1161, TBase = 0x11A7;
    private const int LCount = 19, VCount = 21, TCount = 28, NCount = VCount * TCount, SCount = LCount * NCount;

    // Nothing below U+0300 (the first combining mark) changes under NFC.
    private const char FirstAffected = '\u0300';

    private static readonly Lazy<Tables> Data = new(Tables.Load);

    /// <summary><paramref name="text"/> in NFC; text without characters from U+0300 up is returned as is.</summary>
    public static string Compose(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (!text.Any(c => c >= FirstAffected))
        {
            return text;
        }

        var tables = Data.Value;
        var points = Decompose(text, tables);
        Reorder(points, tables);
        return Recompose(points, tables);
    }

    private static List<int> Decompose(string text, Tables tables)
    {
        var points = new List<int>(text.Length);
        foreach (var rune in text.EnumerateRunes())
        {
            int cp = rune.Value;
            int s = cp - SBase;
            if (s is >= 0 and < SCount)
            {
                points.Add(LBase + (s / NCount));
                points.Add(VBase + (s % NCount / TCount));
                if (s % TCount != 0)
                {
                    points.Add(TBase + (s % TCount));
                }
            }
            else if (tables.Decompositions.TryGetValue(cp, out var full))
            {
                points.AddRange(full);
            }
            else
            {
                points.Add(cp);
            }
        }

        return points;
    }

    /// <summary>Canonical ordering: a stable sort of each run of non-starters by combining class.</summary>
    private static void Reorder(List<int> points, Tables tables)
    {
        for (int i = 1; i < points.Count; i++)
        {
            int cc = tables.Class(points[i]);
            if (cc == 0)
            {
                continue;
            }

            for (int j = i; j > 0 && tables.Class(points[j - 1]) > cc; j--)
            {
                (points[j - 1], points[j]) = (points[j], points[j - 1]);
            }
        }
    }

    /// <summary>Canonical composition: each character joins the last starter unless a character between them blocks it.</summary>
    private static string Recompose(List<int> points, Tables tables)
    {
        var result = new List<int>(points.Count);
        int starter = -1;
        int lastClass = 0;
        foreach (int cp in points)
        {
            int cc = tables.Class(cp);
            if (starter >= 0)
            {
                bool adjacent = result.Count - 1 == starter;
                bool blocked = !adjacent && (lastClass == 0 || lastClass >= cc);
                if (!blocked && TryCompose(result[starter], cp, tables, out int composite))
                {
                    result[starter] = composite;
                    continue;
                }
            }

            if (cc == 0)
            {
                starter = result.Count;
            }

            lastClass = cc;
            result.Add(cp);
        }

        var builder = new StringBuilder(result.Count);
        foreach (int cp in result)
        {
            builder.Append(char.ConvertFromUtf32(cp));
        }

        return builder.ToString();
    }

    private static bool TryCompose(int first, int second, Tables tables, out int composite)
    {
        int l = first - LBase, v = second - VBase;
        if (l is >= 0 and < LCount && v is >= 0 and < VCount)
        {
            composite = SBase + (((l * VCount) + v) * TCount);
            return true;
        }

        int s = first - SBase, t = second - TBase;
        if (s is >= 0 and < SCount && s % TCount == 0 && t is > 0 and < TCount)
        {
            composite = first + t;
            return true;
        }

        return tables.Composites.TryGetValue(((long)first << 21) | (uint)second, out composite);
    }

    private sealed class Tables
    {
        public Dictionary<int, int[]> Decompositions { get; } = [];

        public Dictionary<int, int> Classes { get; } = [];

        public Dictionary<long, int> Composites { get; } = [];

        public int Class(int cp) => Classes.GetValueOrDefault(cp);

        public static Tables Load()
        {
            var tables = new Tables();
            using var stream = typeof(UnicodeNfc).Assembly.GetManifestResourceStream("Diffusion.Text.UnicodeComposition.txt")
                ?? throw new InvalidOperationException("The NFC tables (UnicodeComposition.txt) are missing from the Ldm plugin assembly.");
            using var reader = new StreamReader(stream);
            while (reader.ReadLine() is { } line)
            {
                if (line.Length == 0 || line[0] == '#')
                {
                    continue;
                }

                var fields = line.Split(' ');
                int Hex(int i) => int.Parse(fields[i], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                switch (fields[0])
                {
                    case "D":
                        tables.Decompositions[Hex(1)] = Enumerable.Range(2, fields.Length - 2).Select(Hex).ToArray();
                        break;
                    case "C":
                        tables.Classes[Hex(1)] = int.Parse(fields[2], CultureInfo.InvariantCulture);
                        break;
                    case "P":
                        tables.Composites[((long)Hex(1) << 21) | (uint)Hex(2)] = Hex(3);
                        break;
                    default:
                        throw new InvalidDataException($"UnicodeComposition.txt: unknown line kind '{fields[0]}'.");
                }
            }

            return tables;
        }
    }
}
