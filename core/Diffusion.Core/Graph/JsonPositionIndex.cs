using System.Text;
using System.Text.Json;

namespace Diffusion.Core;

/// <summary>
/// Maps JSON pointers of a document to line and column, so validation issues can point into the file as editors do.
/// Built with one forward pass of <see cref="Utf8JsonReader"/>; duplicate keys keep their first position.
/// </summary>
public sealed class JsonPositionIndex
{
    private readonly Dictionary<string, (long Line, long Column)> positions = new(StringComparer.Ordinal);

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
                        index.Record(path, pendingProperty!, reader.TokenStartIndex, lineStarts);
                        continue;
                    case JsonTokenType.StartObject:
                    case JsonTokenType.StartArray:
                        var token = NextToken(containerIsArray, arrayCounters, ref pendingProperty);
                        if (token is not null)
                        {
                            index.Record(path, token, reader.TokenStartIndex, lineStarts);
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
                        var valueToken = NextToken(containerIsArray, arrayCounters, ref pendingProperty);
                        if (valueToken is not null)
                        {
                            index.Record(path, valueToken, reader.TokenStartIndex, lineStarts);
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
        for (var p = pointer; ; p = p[..p.LastIndexOf('/')])
        {
            if (positions.TryGetValue(p, out var position))
            {
                return position;
            }

            if (p.Length == 0 || p.LastIndexOf('/') < 0)
            {
                return null;
            }
        }
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

    private void Record(List<string> path, string token, long byteOffset, List<long> lineStarts)
    {
        var pointer = string.Concat(path.Select(t => "/" + JsonPointer.Escape(t))) + "/" + JsonPointer.Escape(token);
        var line = lineStarts.BinarySearch(byteOffset);
        if (line < 0)
        {
            line = ~line - 1;
        }

        positions.TryAdd(pointer, (line + 1L, byteOffset - lineStarts[line] + 1));
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
