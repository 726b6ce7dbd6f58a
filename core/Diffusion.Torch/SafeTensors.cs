using System.Buffers.Binary;
using System.Text.Json;
using Diffusion.Torch.Files;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Torch;

/// <summary>
/// Reads and writes the safetensors format: an 8-byte little-endian header length, a JSON header
/// mapping names to dtype, shape and byte range, then the raw little-endian data. Every range is
/// checked against the file before any byte is copied, so a truncated or corrupt file gives an
/// <see cref="InvalidDataException"/> naming the file, the tensor and the problem.
/// </summary>
public static class SafeTensors
{
    // The reference implementation rejects headers above 100 MB; so do we, before allocating.
    private const long MaxHeaderLength = 100_000_000;
    private const string MetadataKey = "__metadata__";
    private const int MaxBuffer = 1 << 20;

    /// <summary>Reads and validates only the header: names, dtypes, shapes, byte ranges and metadata.</summary>
    /// <exception cref="InvalidDataException">The file is not a valid safetensors file.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="FileRefusedException">The path is a folder, a device or a FIFO.</exception>
    public static SafeTensorsHeader ReadHeader(string path)
    {
        using var stream = SafeFile.OpenRead(path, long.MaxValue, "Safetensors file");
        return ReadHeader(stream, path);
    }

    /// <summary>Loads every tensor onto the CPU. The caller owns (and should dispose) the returned tensors.</summary>
    /// <exception cref="InvalidDataException">The file is not a valid safetensors file, or holds a dtype torch cannot load.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="FileRefusedException">The path is a folder, a device or a FIFO.</exception>
    public static IReadOnlyDictionary<string, Tensor> Load(string path)
    {
        using var stream = SafeFile.OpenRead(path, long.MaxValue, "Safetensors file");
        var header = ReadHeader(stream, path);
        foreach (var entry in header.Tensors)
            if (SafeTensorsDType.ToTorch(entry.DType) is null)
                throw Invalid(path, $"tensor '{entry.Name}' has dtype {entry.DType}, which cannot be loaded as a torch tensor");

        var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        try
        {
            foreach (var entry in header.Tensors)
            {
                var tensor = empty([.. entry.Shape], SafeTensorsDType.ToTorch(entry.DType)!.Value);
                result.Add(entry.Name, tensor);
                if (entry.ByteLength == 0)
                    continue;
                stream.Position = header.DataStart + entry.DataBegin;
                try
                {
                    tensor.ReadBytesFromStream(stream, (int)Math.Min(entry.ByteLength, MaxBuffer));
                }
                catch (EndOfStreamException e)
                {
                    // Only possible if the file shrank after the header was validated.
                    throw Invalid(path, $"tensor '{entry.Name}' ends beyond the end of the file", e);
                }
            }
            return result;
        }
        catch
        {
            foreach (var t in result.Values)
                t.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Writes tensors (moved to CPU and made contiguous as needed) and optional metadata. The file is written
    /// to a temporary name in the same folder and renamed over <paramref name="path"/>, so readers never see a partial
    /// file; only a regular file is ever replaced (<see cref="SafeFile.Write(string, Action{Stream})"/>).
    /// </summary>
    /// <exception cref="ArgumentException">A name is empty or reserved, or a tensor's dtype has no safetensors code.</exception>
    /// <exception cref="FileRefusedException">A link, folder, device or FIFO is at <paramref name="path"/>.</exception>
    public static void Save(string path, IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(tensors);

        // Temporaries from cpu()/contiguous() are disposed with the scope; the caller's tensors are untouched.
        using (NewDisposeScope())
        {
            var ordered = tensors.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv =>
            {
                if (string.IsNullOrEmpty(kv.Key) || kv.Key == MetadataKey)
                    throw new ArgumentException($"Tensor name '{kv.Key}' is not allowed in a safetensors file.", nameof(tensors));
                var code = SafeTensorsDType.FromTorch(kv.Value.dtype)
                    ?? throw new ArgumentException($"Tensor '{kv.Key}' has dtype {kv.Value.dtype}, which safetensors output does not support.", nameof(tensors));
                var data = kv.Value.detach().cpu().contiguous();
                return (Name: kv.Key, Code: code, Data: data, Bytes: data.NumberOfElements * data.ElementSize);
            }).ToList();

            var headerBytes = BuildHeader(ordered.Select(t => (t.Name, t.Code, t.Data.shape, t.Bytes)), metadata);
            SafeFile.Write(path, stream =>
            {
                Span<byte> prefix = stackalloc byte[8];
                BinaryPrimitives.WriteUInt64LittleEndian(prefix, (ulong)headerBytes.Length);
                stream.Write(prefix);
                stream.Write(headerBytes);
                foreach (var t in ordered.Where(t => t.Bytes > 0))
                    t.Data.WriteBytesToStream(stream, (int)Math.Min(t.Bytes, MaxBuffer));
            });
        }
    }

    private static byte[] BuildHeader(IEnumerable<(string Name, string Code, long[] Shape, long Bytes)> tensors, IReadOnlyDictionary<string, string>? metadata)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            if (metadata is { Count: > 0 })
            {
                json.WriteStartObject(MetadataKey);
                foreach (var (k, v) in metadata.OrderBy(kv => kv.Key, StringComparer.Ordinal))
                    json.WriteString(k, v);
                json.WriteEndObject();
            }
            long offset = 0;
            foreach (var (name, code, shape, bytes) in tensors)
            {
                json.WriteStartObject(name);
                json.WriteString("dtype", code);
                json.WriteStartArray("shape");
                foreach (var d in shape)
                    json.WriteNumberValue(d);
                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(offset);
                json.WriteNumberValue(offset + bytes);
                json.WriteEndArray();
                json.WriteEndObject();
                offset += bytes;
            }
            json.WriteEndObject();
        }
        // Pad with spaces so the data section starts 8-byte aligned, as the reference writer does.
        while (buffer.Length % 8 != 0)
            buffer.WriteByte((byte)' ');
        return buffer.ToArray();
    }

    private static SafeTensorsHeader ReadHeader(FileStream stream, string path)
    {
        long fileLength = stream.Length;
        if (fileLength < 8)
            throw Invalid(path, $"the file is {fileLength} bytes, shorter than the 8-byte header length");
        Span<byte> prefix = stackalloc byte[8];
        stream.ReadExactly(prefix);
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(prefix);
        if (headerLength > MaxHeaderLength)
            throw Invalid(path, $"the header length {headerLength} is over the {MaxHeaderLength}-byte limit (corrupt or not a safetensors file)");
        if ((long)headerLength > fileLength - 8)
            throw Invalid(path, $"the header length {headerLength} runs past the end of the {fileLength}-byte file (truncated?)");

        var headerBytes = new byte[headerLength];
        stream.ReadExactly(headerBytes);
        long dataLength = fileLength - 8 - (long)headerLength;

        var entries = new List<SafeTensorEntry>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        try
        {
            using var doc = JsonDocument.Parse(headerBytes);
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
                throw Invalid(path, "the header is not a JSON object");
            foreach (var prop in doc.RootElement.EnumerateObject())
            {
                // JSON allows a key twice; the format does not, and keeping either copy would load data nobody checked.
                if (!names.Add(prop.Name))
                    throw Invalid(path, $"'{prop.Name}' appears twice in the header");
                if (prop.Name == MetadataKey)
                {
                    if (prop.Value.ValueKind != JsonValueKind.Object)
                        throw Invalid(path, "__metadata__ is not an object");
                    foreach (var m in prop.Value.EnumerateObject())
                    {
                        if (metadata.ContainsKey(m.Name))
                            throw Invalid(path, $"metadata '{m.Name}' appears twice");
                        metadata[m.Name] = m.Value.ValueKind == JsonValueKind.String
                            ? m.Value.GetString()!
                            : throw Invalid(path, $"metadata '{m.Name}' is not a string");
                    }
                    continue;
                }
                entries.Add(ParseEntry(path, prop, dataLength));
            }
        }
        catch (JsonException e)
        {
            throw Invalid(path, $"the header is not valid JSON ({e.Message})", e);
        }
        catch (InvalidOperationException e)
        {
            // JsonDocument checks the UTF-8 of names and strings only when they are read (found by fuzzing).
            throw Invalid(path, "the header holds text that is not valid UTF-8", e);
        }

        entries.Sort((a, b) => a.DataBegin.CompareTo(b.DataBegin));
        for (int i = 1; i < entries.Count; i++)
            if (entries[i].DataBegin < entries[i - 1].DataEnd)
                throw Invalid(path, $"tensors '{entries[i - 1].Name}' and '{entries[i].Name}' have overlapping byte ranges");
        return new SafeTensorsHeader(entries, metadata, (long)headerLength);
    }

    private static SafeTensorEntry ParseEntry(string path, JsonProperty prop, long dataLength)
    {
        var name = prop.Name;
        var v = prop.Value;
        if (v.ValueKind != JsonValueKind.Object
            || !v.TryGetProperty("dtype", out var dtypeEl) || dtypeEl.ValueKind != JsonValueKind.String
            || !v.TryGetProperty("shape", out var shapeEl) || shapeEl.ValueKind != JsonValueKind.Array
            || !v.TryGetProperty("data_offsets", out var offEl) || offEl.ValueKind != JsonValueKind.Array || offEl.GetArrayLength() != 2)
            throw Invalid(path, $"tensor '{name}' needs a string 'dtype', an array 'shape' and a two-number 'data_offsets'");

        var dtype = dtypeEl.GetString()!;
        var size = SafeTensorsDType.ElementSize(dtype) ?? throw Invalid(path, $"tensor '{name}' has unknown dtype '{dtype}'");
        var shape = new List<long>();
        long count = 1;
        foreach (var d in shapeEl.EnumerateArray())
        {
            if (d.ValueKind != JsonValueKind.Number || !d.TryGetInt64(out var n) || n < 0)
                throw Invalid(path, $"tensor '{name}' has a shape entry that is not a non-negative integer");
            shape.Add(n);
            count = n == 0 || count == 0 ? 0 : (count > long.MaxValue / n ? throw Invalid(path, $"tensor '{name}' has an absurdly large shape") : count * n);
        }
        if (offEl[0].ValueKind != JsonValueKind.Number || offEl[1].ValueKind != JsonValueKind.Number
            || !offEl[0].TryGetInt64(out var begin) || !offEl[1].TryGetInt64(out var end) || begin < 0 || end < begin)
            throw Invalid(path, $"tensor '{name}' has invalid data_offsets");
        if (end > dataLength)
            throw Invalid(path, $"tensor '{name}' needs bytes [{begin}, {end}) of the data section, but the file only has {dataLength} data bytes (truncated?)");
        if (count > long.MaxValue / size || end - begin != count * size)
            throw Invalid(path, $"tensor '{name}' has {end - begin} bytes, but shape [{string.Join(", ", shape)}] of {dtype} needs {count * size}");
        return new SafeTensorEntry(name, dtype, shape, begin, end);
    }

    private static InvalidDataException Invalid(string path, string what, Exception? inner = null) =>
        new($"Invalid safetensors file '{path}': {what}.", inner);
}
