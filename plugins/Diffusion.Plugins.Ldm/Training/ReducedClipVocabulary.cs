using System.Text.Json;
using System.Text.Json.Nodes;
using Diffusion.Text;
using Diffusion.Torch.Files;

namespace Diffusion.Plugins.Ldm;

/// <summary>
/// A small CLIP BPE vocabulary for a text encoder trained from scratch on a closed caption grammar: CLIP's 512 byte
/// symbols (bare and with the end-of-word mark), the merges whose result occurs inside one of the caption words, and
/// the start and end tokens, renumbered in CLIP's order. BPE only ever applies merges whose result is a contiguous
/// piece of the word, so the caption words tokenize exactly as with the full 49,408-token vocabulary, while an unknown
/// word still splits into byte symbols (never fails). Its embedding table is a few hundred rows instead of 49,408.
/// </summary>
internal static class ReducedClipVocabulary
{
    private const string EndOfWord = "</w>";
    private const int ByteSymbols = 512;

    /// <summary>Writes vocab.json, merges.txt and tokenizer_config.json for <paramref name="words"/> into <paramref name="target"/>.</summary>
    /// <returns>The vocabulary size.</returns>
    public static int Write(string clipFolder, IEnumerable<string> words, int maxLength, string target)
    {
        var vocabPath = Path.Combine(clipFolder, ClipTokenizer.VocabFileName);
        var mergesPath = Path.Combine(clipFolder, ClipTokenizer.MergesFileName);
        var vocab = JsonSerializer.Deserialize<Dictionary<string, int>>(SafeFile.ReadAllText(vocabPath, ClipTokenizer.MaxFileBytes, "CLIP tokenizer vocabulary"))
            ?? throw new InvalidDataException($"'{vocabPath}' is empty.");
        var pieces = words.Select(w => w.ToLowerInvariant() + EndOfWord).Distinct(StringComparer.Ordinal).ToList();
        var merges = SafeFile.ReadAllText(mergesPath, ClipTokenizer.MaxFileBytes, "CLIP tokenizer merges").Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Length > 0 && !l.StartsWith("#version", StringComparison.Ordinal))
            .Where(line => line.Split(' ') is [var left, var right] && pieces.Any(p => p.Contains(left + right, StringComparison.Ordinal)))
            .ToList();
        var kept = vocab.Where(kv => kv.Value < ByteSymbols).Select(kv => kv.Key).ToHashSet(StringComparer.Ordinal);
        foreach (var merge in merges)
        {
            var parts = merge.Split(' ');
            kept.Add(parts[0] + parts[1]);
        }

        kept.Add(ClipTokenizer.StartToken);
        kept.Add(ClipTokenizer.EndToken);
        var ordered = kept.Select(token => vocab.TryGetValue(token, out var id) ? (token, id)
            : throw new InvalidDataException($"'{vocabPath}' lacks '{token}', the result of a merge in '{mergesPath}'; the two files do not belong together."))
            .OrderBy(p => p.id).Select((p, index) => (p.token, index)).ToDictionary(p => p.token, p => p.index, StringComparer.Ordinal);
        Directory.CreateDirectory(target);
        File.WriteAllText(Path.Combine(target, ClipTokenizer.VocabFileName), JsonSerializer.Serialize(ordered));
        File.WriteAllLines(Path.Combine(target, ClipTokenizer.MergesFileName), ["#version: 0.2 (CLIP merges kept for the caption words)", .. merges]);
        var config = new JsonObject
        {
            ["tokenizer_class"] = "CLIPTokenizer",
            ["model_max_length"] = maxLength,
            ["bos_token"] = ClipTokenizer.StartToken,
            ["eos_token"] = ClipTokenizer.EndToken,
            ["pad_token"] = ClipTokenizer.EndToken,
            ["unk_token"] = ClipTokenizer.EndToken,
        };
        File.WriteAllText(Path.Combine(target, ClipTokenizer.ConfigFileName), config.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        return ordered.Count;
    }
}
