using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Diffusion.Torch.Files;

namespace Diffusion.Nn;

/// <summary>
/// Reads the fields of a diffusers/transformers <c>config.json</c> one by one, with the library's default for each
/// absent field, and collects every problem (wrong JSON type, unsupported value, unknown field) so one error lists
/// them all, each naming the file and the field. diffusers writes <c>null</c> for optional fields; a null is taken as
/// the default only where the field is nullable.
/// </summary>
internal sealed class ConfigReader
{
    private readonly JsonObject root;
    private readonly HashSet<string> seen = new(StringComparer.Ordinal);
    private readonly List<string> problems = [];

    /// <summary>Reads <paramref name="root"/>; <paramref name="kind"/> (e.g. <c>UNet2DConditionModel</c>) and <paramref name="source"/> (the file) name it in errors.</summary>
    public ConfigReader(JsonObject root, string kind, string source)
    {
        this.root = root;
        Kind = kind;
        Source = source;
    }

    /// <summary>What the config describes.</summary>
    public string Kind { get; }

    /// <summary>The file (or other source) the config came from.</summary>
    public string Source { get; }

    /// <summary>Parses JSON text into an object, or throws naming <paramref name="source"/>.</summary>
    public static JsonObject ParseObject(string json, string kind, string source)
    {
        try
        {
            return JsonNode.Parse(json) as JsonObject
                ?? throw new InvalidDataException($"{kind} config '{source}': expected a JSON object.");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{kind} config '{source}' is not valid JSON: {e.Message}", e);
        }
    }

    /// <summary>The largest config file read (diffusers/transformers configs are a few kilobytes).</summary>
    public const long MaxConfigBytes = 1 << 20;

    /// <summary>Reads a config file (a regular file of at most <see cref="MaxConfigBytes"/>) into an object, or throws naming it.</summary>
    public static JsonObject ReadObject(string path, string kind)
    {
        string text;
        try
        {
            text = SafeFile.ReadAllText(path, MaxConfigBytes, $"{kind} config");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InvalidDataException($"Cannot read {kind} config '{path}': {e.Message}", e);
        }

        return ParseObject(text, kind, path);
    }

    /// <summary>Records a problem with <paramref name="field"/>.</summary>
    public void Problem(string field, string message) => problems.Add($"field '{field}' {message}");

    /// <summary>Records a problem unless <paramref name="ok"/>: "field 'x' = value is not supported (expected)".</summary>
    public void Require(bool ok, string field, string expected)
    {
        if (!ok)
        {
            Problem(field, $"= {Show(field)} is not supported ({expected})");
        }
    }

    /// <summary>The raw value of <paramref name="field"/> (marks it as read), or null when absent.</summary>
    public JsonNode? Raw(string field)
    {
        seen.Add(field);
        return root[field];
    }

    /// <summary>Whether <paramref name="field"/> is present (null counts as present).</summary>
    public bool Has(string field) => root.ContainsKey(field);

    /// <summary>An integer field.</summary>
    public int Int(string field, int fallback) => NullableInt(field, fallback, allowNull: false) ?? fallback;

    /// <summary>An optional integer field (null allowed).</summary>
    public int? NullableInt(string field, int? fallback) => NullableInt(field, fallback, allowNull: true);

    /// <summary>A number field.</summary>
    public double Double(string field, double fallback) => NullableDouble(field, fallback, allowNull: false) ?? fallback;

    /// <summary>An optional number field (null allowed).</summary>
    public double? NullableDouble(string field, double? fallback) => NullableDouble(field, fallback, allowNull: true);

    /// <summary>A boolean field.</summary>
    public bool Bool(string field, bool fallback)
    {
        var node = Raw(field);
        if (!root.ContainsKey(field))
        {
            return fallback;
        }

        if (node is JsonValue value && value.TryGetValue(out bool b))
        {
            return b;
        }

        Problem(field, $"must be true or false, got {Show(node)}");
        return fallback;
    }

    /// <summary>A string field.</summary>
    public string String(string field, string fallback) => NullableString(field, fallback, allowNull: false) ?? fallback;

    /// <summary>An optional string field (null allowed).</summary>
    public string? NullableString(string field, string? fallback) => NullableString(field, fallback, allowNull: true);

    /// <summary>A list of strings.</summary>
    public IReadOnlyList<string> StringList(string field, IReadOnlyList<string> fallback)
    {
        var node = Raw(field);
        if (!root.ContainsKey(field))
        {
            return fallback;
        }

        if (node is JsonArray array && array.All(e => e is JsonValue v && v.TryGetValue(out string? _)))
        {
            return array.Select(e => e!.GetValue<string>()).ToArray();
        }

        Problem(field, $"must be a list of strings, got {Show(node)}");
        return fallback;
    }

    /// <summary>A list of integers.</summary>
    public IReadOnlyList<int> IntList(string field, IReadOnlyList<int> fallback)
    {
        var node = Raw(field);
        if (!root.ContainsKey(field))
        {
            return fallback;
        }

        if (node is JsonArray array && array.All(e => AsInt(e) is not null))
        {
            return array.Select(e => AsInt(e)!.Value).ToArray();
        }

        Problem(field, $"must be a list of integers, got {Show(node)}");
        return fallback;
    }

    /// <summary>
    /// An integer or a list of integers (diffusers' per-block fields such as <c>attention_head_dim</c>): an integer is
    /// repeated <paramref name="count"/> times; a list must have exactly <paramref name="count"/> entries.
    /// </summary>
    public IReadOnlyList<int> IntOrList(string field, int fallback, int count, string countMeaning)
    {
        var node = Raw(field);
        if (!root.ContainsKey(field))
        {
            return Enumerable.Repeat(fallback, count).ToArray();
        }

        if (AsInt(node) is int single)
        {
            return Enumerable.Repeat(single, count).ToArray();
        }

        if (node is JsonArray array && array.All(e => AsInt(e) is not null))
        {
            if (array.Count != count)
            {
                Problem(field, $"= {Show(node)} has {array.Count} entries; it needs one per {countMeaning} ({count})");
                return Enumerable.Repeat(fallback, count).ToArray();
            }

            return array.Select(e => AsInt(e)!.Value).ToArray();
        }

        Problem(field, $"must be an integer or a list of {count} integers, got {Show(node)}");
        return Enumerable.Repeat(fallback, count).ToArray();
    }

    /// <summary>Marks fields as read without using them (they only matter together with values this code rejects).</summary>
    public void Ignore(params string[] fields)
    {
        foreach (var field in fields)
        {
            seen.Add(field);
        }
    }

    /// <summary>Records every field that was not read and does not start with <c>_</c> (metadata) as unknown.</summary>
    public void RejectUnknownFields()
    {
        foreach (var key in root.Select(kv => kv.Key).Where(k => !k.StartsWith('_') && !seen.Contains(k)).Order(StringComparer.Ordinal))
        {
            problems.Add($"field '{key}' is unknown (a newer or different architecture?); remove it only if it keeps its default meaning");
        }
    }

    /// <summary>Throws one <see cref="InvalidDataException"/> listing every problem, if any.</summary>
    public void ThrowIfProblems()
    {
        if (problems.Count > 0)
        {
            throw new InvalidDataException($"{Kind} config '{Source}': {string.Join("; ", problems)}.");
        }
    }

    /// <summary>The JSON text of a field's value, for messages.</summary>
    public string Show(string field) => Show(root[field]);

    private static string Show(JsonNode? node)
    {
        var text = node?.ToJsonString() ?? "null";
        return text.Length <= 120 ? text : text[..117] + "...";
    }

    private static int? AsInt(JsonNode? node)
    {
        if (node is not JsonValue value)
        {
            return null;
        }

        if (value.TryGetValue(out int i))
        {
            return i;
        }

        // diffusers sometimes writes integral values as floats (e.g. 1.0).
        if (value.TryGetValue(out double d) && d == Math.Floor(d) && d >= int.MinValue && d <= int.MaxValue)
        {
            return (int)d;
        }

        return null;
    }

    private int? NullableInt(string field, int? fallback, bool allowNull)
    {
        var node = Raw(field);
        if (!root.ContainsKey(field))
        {
            return fallback;
        }

        if (node is null)
        {
            if (!allowNull)
            {
                Problem(field, "must be an integer, got null");
            }

            return allowNull ? null : fallback;
        }

        if (AsInt(node) is int value)
        {
            return value;
        }

        Problem(field, $"must be an integer, got {Show(node)}");
        return fallback;
    }

    private double? NullableDouble(string field, double? fallback, bool allowNull)
    {
        var node = Raw(field);
        if (!root.ContainsKey(field))
        {
            return fallback;
        }

        if (node is null)
        {
            if (!allowNull)
            {
                Problem(field, "must be a number, got null");
            }

            return allowNull ? null : fallback;
        }

        if (node is JsonValue value && value.TryGetValue(out double d) && double.IsFinite(d))
        {
            return d;
        }

        if (node is JsonValue text && text.TryGetValue(out string? s)
            && double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) && double.IsFinite(parsed))
        {
            return parsed;
        }

        Problem(field, $"must be a finite number, got {Show(node)}");
        return fallback;
    }

    private string? NullableString(string field, string? fallback, bool allowNull)
    {
        var node = Raw(field);
        if (!root.ContainsKey(field))
        {
            return fallback;
        }

        if (node is null)
        {
            if (!allowNull)
            {
                Problem(field, "must be a string, got null");
            }

            return allowNull ? null : fallback;
        }

        if (node is JsonValue value && value.TryGetValue(out string? s))
        {
            return s;
        }

        Problem(field, $"must be a string, got {Show(node)}");
        return fallback;
    }
}
