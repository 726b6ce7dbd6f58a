using System.Text;
using System.Text.Json;

namespace Diffusion.Core;

/// <summary>
/// Maps JSON pointers of a document to line and column, so validation issues can point into the file as editors do.
/// Built with one forward pass of <see cref="Utf8JsonReader"/>; a pointer finds the first of duplicate keys, and the
/// reader asks for later ones by occurrence. Columns count characters, as editors do, not UTF-8 bytes.
/// </summary>
public sealed class JsonPositionIndex
{
    private readonly Dictionary<string, List<(long Line, long Column)>> positions = new(StringComparer.Ordinal);

    // Where the last recorded token was: tokens come in file order, so each column is counted from the previous one
    // on the same line instead of from the line start (which made a 100,000-node pipeline on one line quadratic).
    private const int MaxRecorded = 2_000_000;
    private const int MaxListItems = 1000;
    private int recorded;
    private long cursorLine = -1;
    private long cursorByte;
    private long cursorColumn;

    private JsonPositionIndex()
    {
    }

    /// <summary>Indexes <paramref name="utf8"/>; returns an empty index when the text is not valid JSON.</summary>
    public static JsonPositionIndex Build(ReadOnlySpan<byte> utf8)
    {
        var index = new JsonPositionIndex();
        var lineStarts = LineStarts(utf8);
        var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
        var path = new List<string>();
        var arrayCounters = new Stack<int>();
        var containerIsArray = new Stack<bool>();
        string? pendingProperty = null;
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.PropertyName:
                        pendingProperty = reader.GetString();
                        index.Record(path, pendingProperty!, reader.TokenStartIndex, utf8, lineStarts);
                        continue;
                    case JsonTokenType.StartObject:
                    case JsonTokenType.StartArray:
                        // Values in objects are located by their key (recorded above); array items by themselves.
                        var inArray = containerIsArray.Count > 0 && containerIsArray.Peek();
                        var token = NextToken(containerIsArray, arrayCounters, ref pendingProperty);
                        if (token is not null)
                        {
                            if (inArray)
                            {
                                index.Record(path, token, reader.TokenStartIndex, utf8, lineStarts);
                            }

                            path.Add(token);
                        }

                        containerIsArray.Push(reader.TokenType == JsonTokenType.StartArray);
                        arrayCounters.Push(0);
                        break;
                    case JsonTokenType.EndObject:
                    case JsonTokenType.EndArray:
                        containerIsArray.Pop();
                        arrayCounters.Pop();
                        if (path.Count > 0 && containerIsArray.Count > 0)
                        {
                            path.RemoveAt(path.Count - 1);
                        }

                        break;
                    default:
                        var valueInArray = containerIsArray.Count > 0 && containerIsArray.Peek();
                        var valueToken = NextToken(containerIsArray, arrayCounters, ref pendingProperty);
                        if (valueToken is not null && valueInArray)
                        {
                            index.Record(path, valueToken, reader.TokenStartIndex, utf8, lineStarts);
                        }

                        break;
                }
            }
        }
        catch (JsonException)
        {
            // A syntax error is reported by the reader with its own position; the index just stops here.
        }

        return index;
    }

    /// <summary>The 1-based line and column of the value or key at <paramref name="pointer"/>, or of its nearest indexed parent.</summary>
    public (long Line, long Column)? Find(string pointer)
    {
        ArgumentNullException.ThrowIfNull(pointer);
        for (var p = pointer; ; p = p[..p.LastIndexOf('/')])
        {
            if (positions.TryGetValue(p, out var found))
            {
                return found[0];
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
        positions.TryGetValue(pointer, out var found) && occurrence < found.Count ? found[occurrence] : Find(pointer);

    /// <summary>The 1-based character column of a byte offset within a line, counting UTF-8 lead bytes only.</summary>
    internal static long CharacterColumn(ReadOnlySpan<byte> utf8, long lineStart, long byteOffset)
    {
        var column = 1L;
        for (var i = lineStart; i < byteOffset && i < utf8.Length; i++)
        {
            if ((utf8[(int)i] & 0xC0) != 0x80)
            {
                column++;
            }
        }

        return column;
    }

    /// <summary>The byte offset where the 0-based line <paramref name="line"/> starts.</summary>
    internal static long LineStart(ReadOnlySpan<byte> utf8, long line)
    {
        var starts = LineStarts(utf8);
        return starts[(int)Math.Clamp(line, 0, starts.Count - 1)];
    }

    private static string? NextToken(Stack<bool> containerIsArray, Stack<int> arrayCounters, ref string? pendingProperty)
    {
        if (containerIsArray.Count == 0)
        {
            return null;
        }

        if (containerIsArray.Peek())
        {
            var i = arrayCounters.Pop();
            arrayCounters.Push(i + 1);
            return i.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        var name = pendingProperty;
        pendingProperty = null;
        return name;
    }

    private void Record(List<string> path, string token, long byteOffset, ReadOnlySpan<byte> utf8, List<long> lineStarts)
    {
        // Positions are a convenience for messages; a file of millions of tokens must not cost gigabytes for them.
        // Items of long lists and anything past the cap fall back to their nearest recorded parent (see Find).
        if (recorded >= MaxRecorded || (token.Length > 3 && char.IsAsciiDigit(token[0]) && int.TryParse(token, out var item) && item >= MaxListItems))
        {
            return;
        }

        recorded++;
        var pointer = string.Concat(path.Select(t => "/" + JsonPointer.Escape(t))) + "/" + JsonPointer.Escape(token);
        var line = lineStarts.BinarySearch(byteOffset);
        if (line < 0)
        {
            line = ~line - 1;
        }

        if (!positions.TryGetValue(pointer, out var found))
        {
            positions[pointer] = found = [];
        }

        if (line != cursorLine || byteOffset < cursorByte)
        {
            cursorLine = line;
            cursorByte = lineStarts[line];
            cursorColumn = 1;
        }

        cursorColumn += CharacterColumn(utf8, cursorByte, byteOffset) - 1;
        cursorByte = byteOffset;
        found.Add((line + 1L, cursorColumn));
    }

    private static List<long> LineStarts(ReadOnlySpan<byte> utf8)
    {
        var starts = new List<long> { 0 };
        for (var i = 0; i < utf8.Length; i++)
        {
            if (utf8[i] == (byte)'\n')
            {
                starts.Add(i + 1);
            }
        }

        return starts;
    }

    /// <summary>Indexes JSON text.</summary>
    public static JsonPositionIndex Build(string text) => Build(Encoding.UTF8.GetBytes(text));
}
