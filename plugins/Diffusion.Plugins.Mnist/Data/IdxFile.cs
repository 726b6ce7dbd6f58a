using System.Buffers.Binary;
using System.IO.Compression;

namespace Diffusion.Plugins.Mnist;

/// <summary>
/// An IDX file (LeCun's MNIST format): two zero bytes, a type byte (0x08 = unsigned byte), the number of
/// dimensions, one big-endian int32 per dimension, then the data row-major. Files may be gzip-compressed.
/// </summary>
/// <param name="Shape">The dimensions.</param>
/// <param name="Data">The unsigned bytes, Shape.Product() of them.</param>
public sealed record IdxFile(IReadOnlyList<int> Shape, byte[] Data)
{
    private const byte UnsignedByteType = 0x08;

    /// <summary>Reads a raw or gzip-compressed IDX file of unsigned bytes.</summary>
    /// <exception cref="InvalidDataException">The file is not IDX, not unsigned bytes, or truncated; the message names the file.</exception>
    public static IdxFile Read(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"IDX file '{path}' does not exist.", path);
        }

        byte[] bytes;
        try
        {
            bytes = Decompress(File.ReadAllBytes(path));
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"IDX file '{path}' is a damaged gzip stream ({e.Message}); download it again.", e);
        }

        return Parse(bytes, path);
    }

    /// <summary>Parses decompressed IDX bytes; <paramref name="source"/> names them in errors.</summary>
    public static IdxFile Parse(byte[] bytes, string source)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        if (bytes.Length < 4 || bytes[0] != 0 || bytes[1] != 0)
        {
            throw new InvalidDataException($"IDX file '{source}' does not start with the IDX magic number (00 00 type dims).");
        }

        if (bytes[2] != UnsignedByteType)
        {
            throw new InvalidDataException($"IDX file '{source}' has data type 0x{bytes[2]:x2}; only unsigned bytes (0x08) are supported.");
        }

        int dims = bytes[3];
        int headerLength = 4 + 4 * dims;
        if (dims == 0 || bytes.Length < headerLength)
        {
            throw new InvalidDataException($"IDX file '{source}' is truncated in its header ({bytes.Length} bytes for {dims} dimensions).");
        }

        var shape = new int[dims];
        long count = 1;
        for (int i = 0; i < dims; i++)
        {
            shape[i] = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(4 + 4 * i, 4));
            if (shape[i] < 0)
            {
                throw new InvalidDataException($"IDX file '{source}' declares a negative dimension {shape[i]}.");
            }

            count *= shape[i];
        }

        long available = bytes.Length - headerLength;
        if (available < count)
        {
            throw new InvalidDataException(
                $"IDX file '{source}' is truncated: shape [{string.Join(", ", shape)}] needs {count} data bytes, found {available}.");
        }

        if (available > count)
        {
            throw new InvalidDataException($"IDX file '{source}' has {available - count} bytes after the data its header declares.");
        }

        return new IdxFile(shape, bytes[headerLength..]);
    }

    private static byte[] Decompress(byte[] bytes)
    {
        // gzip magic 1f 8b; anything else is taken as a raw IDX file.
        if (bytes.Length < 2 || bytes[0] != 0x1f || bytes[1] != 0x8b)
        {
            return bytes;
        }

        using var input = new GZipStream(new MemoryStream(bytes), CompressionMode.Decompress);
        using var output = new MemoryStream();
        input.CopyTo(output);
        return output.ToArray();
    }
}
