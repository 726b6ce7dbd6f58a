using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Diffusion.Core;

/// <summary>
/// Maps JSON pointers of a document to line and column, so validation issues can point into the file as editors do.
/// Built with one forward pass of <see cref="Utf8JsonReader"/>; a pointer finds the first of duplicate keys, and the
/// reader asks for later ones by occurrence. Columns count characters, as editors do, not UTF-8 bytes.
/// The pass is linear in the file: columns are counted on from the previous token (counting from the line start made
/// a 100,000-node pipeline on one line quadratic), pointers are built from a stack of parent prefixes, and items of
/// long lists and anything past <see cref="MaxRecorded"/> positions are left to their nearest recorded parent. The pass
/// runs on the first lookup, so a valid pipeline (no issue to locate) never pays for it.
/// </summary>
public sealed class JsonPositionIndex
{
    private const int MaxRecorded = 2_000_000;
    private const int MaxListItems = 1000;

    private readonly Lazy<bool> built;
    private readonly byte[] text;
    private readonly Dictionary<string, (long Line, long Column)> first = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<(long Line, long Column)>> repeated = new(StringComparer.Ordinal);
    private long cursorLine = -1;
    private long cursorByte;
    private long cursorColumn;

    private JsonPositionIndex(byte[] text)
    {
        this.text = text;
        built = new Lazy<bool>(() => Index(this.text, this), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>Indexes <paramref name="utf8"/> (on first use); an invalid text gives positions up to the error.</summary>
    public static JsonPositionIndex Build(ReadOnlySpan<byte> utf8) => new(utf8.ToArray());

    private static bool Index(ReadOnlySpan<byte> utf8, JsonPositionIndex index)
    {
        var lineStarts = LineStarts(utf8);
        var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });

        // One frame per open container: its pointer, whether it is an array, and the next array index.
        var frames = new List<(string Pointer, bool IsArray, int NextIndex)>();
        string? pendingProperty = null;
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.PropertyName:
                        pendingProperty = reader.GetString();
                        index.Record(frames[^1].Pointer, pendingProperty!, reader.TokenStartIndex, utf8, lineStarts);
                        continue;
                    case JsonTokenType.StartObject:
                    case JsonTokenType.StartArray:
                        // Values in objects are located by their key (recorded above); array items by themselves.
                        var pointer = "";
                        if (frames.Count > 0)
                        {
                            var token = NextToken(frames, ref pendingProperty, out var inArray);
                            if (inArray)
                            {
                                index.Record(frames[^1].Pointer, token, reader.TokenStartIndex, utf8, lineStarts);
                            }

                            pointer = frames[^1].Pointer + "/" + JsonPointer.Escape(token);
                        }

                        frames.Add((pointer, reader.TokenType == JsonTokenType.StartArray, 0));
                        break;
                    case JsonTokenType.EndObject:
                    case JsonTokenType.EndArray:
                        frames.RemoveAt(frames.Count - 1);
                        break;
                    default:
                        if (frames.Count > 0)
                        {
                            var valueToken = NextToken(frames, ref pendingProperty, out var valueInArray);
                            if (valueInArray)
                            {
                                index.Record(frames[^1].Pointer, valueToken, reader.TokenStartIndex, utf8, lineStarts);
                            }
                        }

                        break;
                }
            }
        }
        catch (JsonException)
        {
            // A syntax error is reported by the reader with its own position; the index just stops here.
        }

        return true;
    }

    /// <summary>Indexes JSON text.</summary>
    public static JsonPositionIndex Build(string text) => Build(Encoding.UTF8.GetBytes(text));

    /// <summary>The 1-based line and column of the value or key at <paramref name="pointer"/>, or of its nearest indexed parent.</summary>
    public (long Line, long Column)? Find(string pointer)
    {
        ArgumentNullException.ThrowIfNull(pointer);
        _ = built.Value;
        for (var p = pointer; ; p = p[..p.LastIndexOf('/')])
        {
            if (first.TryGetValue(p, out var found))
            {
                return found;
            }

            if (p.Length == 0 || p.LastIndexOf('/') < 0)
            {
                return null;
            }
        }
    }

    /// <summary>
    /// The position of the <paramref name="occurrence"/>-th (0-based) key at <paramref name="pointer"/> when the key is
    /// duplicated, so a duplicate-key issue points at the duplicate rather than the first; falls back to <see cref="Find"/>.
    /// </summary>
    internal (long Line, long Column)? FindOccurrence(string pointer, int occurrence) =>
        built.Value && occurrence > 0 && repeated.TryGetValue(pointer, out var later) && occurrence - 1 < later.Count ? later[occurrence - 1] : Find(pointer);

    /// <summary>The 1-based character column of a byte offset within a line, counting UTF-8 lead bytes only.</summary>
    internal static long CharacterColumn(ReadOnlySpan<byte> utf8, long lineStart, long byteOffset)
    {
        var end = (int)Math.Min(byteOffset, utf8.Length);
        var start = (int)Math.Min(lineStart, end);
        var span = utf8[start..end];

        // Every byte that is not a UTF-8 continuation byte (10xxxxxx) starts a character.
        var continuation = 0;
        foreach (var b in span)
        {
            continuation += (b & 0xC0) == 0x80 ? 1 : 0;
        }

        return 1 + span.Length - continuation;
    }

    /// <summary>The byte offset where the 0-based line <paramref name="line"/> starts.</summary>
    internal static long LineStart(ReadOnlySpan<byte> utf8, long line)
    {
        var starts = LineStarts(utf8);
        return starts[(int)Math.Clamp(line, 0, starts.Count - 1)];
    }

    private static string NextToken(List<(string Pointer, bool IsArray, int NextIndex)> frames, ref string? pendingProperty, out bool inArray)
    {
        var frame = frames[^1];
        inArray = frame.IsArray;
        if (frame.IsArray)
        {
            frames[^1] = frame with { NextIndex = frame.NextIndex + 1 };
            return frame.NextIndex.ToString(CultureInfo.InvariantCulture);
        }

        var name = pendingProperty ?? "";
        pendingProperty = null;
        return name;
    }

    private void Record(string parent, string token, long byteOffset, ReadOnlySpan<byte> utf8, List<long> lineStarts)
    {
        // Positions are a convenience for messages; a file of millions of tokens must not cost gigabytes for them.
        if (first.Count >= MaxRecorded || (token.Length > 3 && char.IsAsciiDigit(token[0]) && int.TryParse(token, NumberStyles.None, CultureInfo.InvariantCulture, out var item) && item >= MaxListItems))
        {
            return;
        }

        var line = lineStarts.BinarySearch(byteOffset);
        if (line < 0)
        {
            line = ~line - 1;
        }

        if (line != cursorLine || byteOffset < cursorByte)
        {
            cursorLine = line;
            cursorByte = lineStarts[line];
            cursorColumn = 1;
        }

        cursorColumn += CharacterColumn(utf8, cursorByte, byteOffset) - 1;
        cursorByte = byteOffset;
        var position = (line + 1L, cursorColumn);
        var pointer = string.Concat(parent, "/", JsonPointer.Escape(token));
        if (!first.TryAdd(pointer, position))
        {
            if (!repeated.TryGetValue(pointer, out var later))
            {
                repeated[pointer] = later = [];
            }

            later.Add(position);
        }
    }

    private static List<long> LineStarts(ReadOnlySpan<byte> utf8)
    {
        var starts = new List<long> { 0 };
        var offset = 0;
        while (utf8[offset..].IndexOf((byte)'\n') is var next and >= 0)
        {
            offset += next + 1;
            starts.Add(offset);
        }

        return starts;
    }
}
