using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.ML.Tokenizers;
using static TorchSharp.torch;
using Diffusion.Torch.Files;

namespace Diffusion.Text;

/// <summary>
/// CLIP's tokenizer (Radford et al. 2021, §2.5: lower-cased byte-level BPE with a 49,152-merge vocabulary; Sennrich et
/// al. 2016) from a Stable Diffusion <c>tokenizer/</c> folder: <c>vocab.json</c> + <c>merges.txt</c>, and
/// <c>tokenizer_config.json</c> when present (its <c>pad_token</c> and <c>model_max_length</c>). Text is normalised by
/// <see cref="ClipTextCleaner"/> as transformers 5's CLIPTokenizer does, split by CLIP's pattern (special tokens
/// first), BPE-encoded with the <c>&lt;/w&gt;</c> end-of-word marker,
/// and framed as Stable Diffusion feeds its text encoder: start token, at most max_length − 2 tokens, end token,
/// then padding to max_length (77) with the pad token (SD 1.x: the end token; SD 2.x: "!"). Any string is accepted;
/// immutable and safe to share between threads.
/// </summary>
public sealed class ClipTokenizer
{
    /// <summary>The tokenizer file names.</summary>
    public const string VocabFileName = "vocab.json";

    /// <inheritdoc cref="VocabFileName"/>
    public const string MergesFileName = "merges.txt";

    /// <inheritdoc cref="VocabFileName"/>
    public const string ConfigFileName = "tokenizer_config.json";

    /// <summary>CLIP's start and end tokens.</summary>
    public const string StartToken = "<|startoftext|>";

    /// <inheritdoc cref="StartToken"/>
    public const string EndToken = "<|endoftext|>";

    /// <summary>The sequence length CLIP text encoders take.</summary>
    public const int DefaultMaxLength = 77;

    // CLIP's pre-tokenizer pattern (simple_tokenizer.py), without its special-token alternatives: special tokens are
    // split out by the library before the pattern runs.
    private const string Pattern = @"'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+";

    private readonly BpeTokenizer bpe;

    // Microsoft.ML.Tokenizers documents no thread-safety for its BPE word cache; encoding a prompt takes microseconds.
    private readonly Lock gate = new();

    private ClipTokenizer(BpeTokenizer bpe, int bosId, int eosId, int padId, int maxLength, string source, bool decodeHtmlEntities)
    {
        this.bpe = bpe;
        DecodeHtmlEntities = decodeHtmlEntities;
        BosId = bosId;
        EosId = eosId;
        PadId = padId;
        MaxLength = maxLength;
        Source = source;
    }

    /// <summary>The start token id (49406 in CLIP's vocabulary).</summary>
    public int BosId { get; }

    /// <summary>The end token id (49407).</summary>
    public int EosId { get; }

    /// <summary>The id that pads sequences to <see cref="MaxLength"/>.</summary>
    public int PadId { get; }

    /// <summary>Length of the padded sequences (77).</summary>
    public int MaxLength { get; }

    /// <summary>The folder the files came from.</summary>
    public string Source { get; }

    /// <summary>Whether prompts are HTML-unescaped first (OpenAI CLIP) or not (transformers 5, the default).</summary>
    public bool DecodeHtmlEntities { get; }

    /// <summary>Loads the tokenizer files of <paramref name="folder"/>.</summary>
    /// <param name="folder">The tokenizer folder.</param>
    /// <param name="decodeHtmlEntities">
    /// Decode HTML entities in prompts first, as OpenAI's CLIP tokenizer does; transformers 5's CLIPTokenizer (which the
    /// reference ids come from) does not, and a prompt with "&amp;amp;" tokenizes differently in the two.
    /// </param>
    /// <exception cref="FileNotFoundException">vocab.json or merges.txt is missing.</exception>
    /// <exception cref="InvalidDataException">A file is unreadable or inconsistent (the message names the file and the field).</exception>
    public static ClipTokenizer FromFolder(string folder, bool decodeHtmlEntities = false)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        var vocabPath = Path.Combine(folder, VocabFileName);
        var mergesPath = Path.Combine(folder, MergesFileName);
        foreach (var path in new[] { vocabPath, mergesPath })
        {
            if (!File.Exists(path))
            {
                throw new FileNotFoundException(
                    $"CLIP tokenizer folder '{folder}' has no {Path.GetFileName(path)}; a tokenizer folder holds {VocabFileName} and {MergesFileName} (Stable Diffusion's tokenizer/).", path);
            }
        }

        Dictionary<string, int> vocab;
        try
        {
            vocab = JsonSerializer.Deserialize<Dictionary<string, int>>(SafeFile.ReadAllText(vocabPath, MaxFileBytes, "CLIP tokenizer vocabulary"))
                ?? throw new InvalidDataException($"CLIP tokenizer vocabulary '{vocabPath}' is empty.");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"CLIP tokenizer vocabulary '{vocabPath}' is not a JSON object of token → id: {e.Message}", e);
        }

        int bosId = SpecialId(vocab, StartToken, vocabPath);
        int eosId = SpecialId(vocab, EndToken, vocabPath);
        var (padId, maxLength) = ReadConfig(Path.Combine(folder, ConfigFileName), vocab, eosId);
        var specialTokens = new Dictionary<string, int> { [StartToken] = bosId, [EndToken] = eosId };
        BpeTokenizer bpe;
        try
        {
            // The vocabulary parsed above is handed over rather than read a second time (loading is dominated by parsing).
            bpe = BpeTokenizer.Create(new BpeOptions(vocab)
            {
                Merges = ReadMerges(mergesPath),
                ByteLevel = true,
                EndOfWordSuffix = "</w>",
                SpecialTokens = specialTokens,
                PreTokenizer = new RegexPreTokenizer(new Regex(Pattern, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant), specialTokens),
            });
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or FormatException or IOException)
        {
            throw new InvalidDataException($"CLIP tokenizer files in '{folder}' cannot be read as byte-level BPE ({VocabFileName}, {MergesFileName}): {e.Message}", e);
        }

        return new ClipTokenizer(bpe, bosId, eosId, padId, maxLength, folder, decodeHtmlEntities);
    }

    /// <summary>
    /// The ids of <paramref name="text"/> with the start and end tokens, not truncated (as transformers'
    /// <c>tokenizer(text).input_ids</c>), within <see cref="ClipTextCleaner"/>'s bounds.
    /// </summary>
    public IReadOnlyList<int> Tokenize(string? text)
    {
        var ids = new List<int> { BosId };
        ids.AddRange(Encode(ClipTextCleaner.Clean(text, DecodeHtmlEntities), int.MaxValue));
        ids.Add(EosId);
        return ids;
    }

    /// <summary>
    /// The <see cref="MaxLength"/> ids a CLIP text encoder takes for <paramref name="text"/>: start token, the first
    /// max_length − 2 tokens, end token, padding (transformers' <c>padding="max_length", truncation=True</c>).
    /// </summary>
    public int[] EncodePadded(string? text)
    {
        var tokens = Encode(ClipTextCleaner.Clean(text, DecodeHtmlEntities), MaxLength - 2);
        var ids = new int[MaxLength];
        Array.Fill(ids, PadId);
        ids[0] = BosId;
        for (int i = 0; i < tokens.Count; i++)
        {
            ids[i + 1] = tokens[i];
        }

        ids[tokens.Count + 1] = EosId;
        return ids;
    }

    /// <summary>Padded ids of every prompt as a tensor [prompts, max_length] int64 on the CPU.</summary>
    public Tensor EncodeBatch(IReadOnlyList<string?> prompts)
    {
        ArgumentNullException.ThrowIfNull(prompts);
        var ids = new long[prompts.Count * MaxLength];
        for (int p = 0; p < prompts.Count; p++)
        {
            var row = EncodePadded(prompts[p]);
            for (int i = 0; i < MaxLength; i++)
            {
                ids[(p * MaxLength) + i] = row[i];
            }
        }

        return tensor(ids, [prompts.Count, MaxLength], ScalarType.Int64);
    }

    private IReadOnlyList<int> Encode(string cleaned, int maxTokens)
    {
        if (cleaned.Length == 0 || maxTokens <= 0)
        {
            return [];
        }

        IReadOnlyList<int> ids;
        lock (gate)
        {
            ids = bpe.EncodeToIds(cleaned, maxTokens, out _, out _, considerPreTokenization: true, considerNormalization: false);
        }

        return ids.Count <= maxTokens ? ids : ids.Take(maxTokens).ToList();
    }

    /// <summary>The merge rules of merges.txt: one "left right" pair a line, after the "#version" header.</summary>
    private static List<string> ReadMerges(string path) =>
        SafeFile.ReadAllText(path, MaxFileBytes, "CLIP tokenizer merges").Split('\n')
            .Select(line => line.TrimEnd('\r'))
            .Where(line => line.Length > 0 && !line.StartsWith("#version", StringComparison.Ordinal)).ToList();

    /// <summary>The largest vocab.json / merges.txt read (CLIP's are about 0.9 and 0.5 MB).</summary>
    public const long MaxFileBytes = 16L << 20;

    /// <summary>The largest tokenizer_config.json read.</summary>
    public const long MaxConfigBytes = 1L << 20;

    private static int SpecialId(Dictionary<string, int> vocab, string token, string vocabPath) =>
        vocab.TryGetValue(token, out var id)
            ? id
            : throw new InvalidDataException($"CLIP tokenizer vocabulary '{vocabPath}' has no '{token}' token; it is not a CLIP vocabulary.");

    /// <summary>pad_token and model_max_length from tokenizer_config.json; the end token and 77 without the file.</summary>
    private static (int PadId, int MaxLength) ReadConfig(string path, Dictionary<string, int> vocab, int eosId)
    {
        if (!File.Exists(path))
        {
            return (eosId, DefaultMaxLength);
        }

        JsonObject config;
        try
        {
            config = JsonNode.Parse(SafeFile.ReadAllText(path, MaxConfigBytes, "CLIP tokenizer config")) as JsonObject
                ?? throw new InvalidDataException($"CLIP tokenizer config '{path}': expected a JSON object.");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"CLIP tokenizer config '{path}' is not valid JSON: {e.Message}", e);
        }

        int padId = eosId;

        // transformers writes the pad token as a string, or as an AddedToken object with its text in "content".
        var padNode = config["pad_token"];
        var padToken = padNode switch
        {
            null => null,
            JsonObject added => added["content"]?.ToString(),
            JsonValue value when value.TryGetValue(out string? text) => text,
            _ => throw new InvalidDataException($"CLIP tokenizer config '{path}': field 'pad_token' = {padNode.ToJsonString()} is neither a token nor an object with 'content'."),
        };
        if (padToken is not null)
        {
            padId = vocab.TryGetValue(padToken, out var id)
                ? id
                : throw new InvalidDataException($"CLIP tokenizer config '{path}': field 'pad_token' = '{padToken}' is not in {VocabFileName}.");
        }

        int maxLength = DefaultMaxLength;
        if (config["model_max_length"] is JsonValue lengthValue && lengthValue.TryGetValue(out double length))
        {
            // Some configs write a huge sentinel (1e30) for "no limit": CLIP's own 77 applies then.
            if (length is >= 3 and <= 4096 && length == Math.Floor(length))
            {
                maxLength = (int)length;
            }
        }

        return (padId, maxLength);
    }
}
