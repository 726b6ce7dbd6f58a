using System.Buffers.Binary;
using System.IO.Compression;
using Diffusion.Torch.Files;

namespace Diffusion.Plugins.Mnist;

/// <summary>
/// An IDX file (LeCun's MNIST format): two zero bytes, a type byte (0x08 = unsigned byte), the number of
/// dimensions, one big-endian int32 per dimension, then the data row-major. Files may be gzip-compressed.
/// </summary>
/// <param name="Shape">The dimensions.</param>
/// <param name="Data">The unsigned bytes, Shape.Product() of them.</param>
public sealed record IdxFile(IReadOnlyList<int> Shape, byte[] Data)
{
    /// <summary>
    /// The most data bytes a file may declare (1 GiB; MNIST's 60,000 training images are 47 MB). Checked before
    /// anything is decompressed or allocated.
    /// </summary>
    public const long MaxDataBytes = 1L << 30;

    private const byte UnsignedByteType = 0x08;

    // Deflate cannot expand one input byte to more than 1032 output bytes (RFC 1951: a 258-byte match per 2 bits, as zlib
    // documents), so a gzip file of n bytes that declares more than 1032·n data bytes is truncated or damaged.
    private const long MaxDeflateRatio = 1032;

    private const int Chunk = 1 << 20;

    /// <summary>
    /// Reads a raw or gzip-compressed IDX file of unsigned bytes, streaming: the header is read first, and decompression
    /// stops at the size the header's dimensions declare, so a gzip bomb fails after at most that many bytes.
    /// </summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="FileRefusedException">The path is a folder, a device or a FIFO, or the file is too large.</exception>
    /// <exception cref="InvalidDataException">The file is not IDX, not unsigned bytes, truncated, too long, or a damaged
    /// gzip stream; the message names the file.</exception>
    public static IdxFile Read(string path)
    {
        using var file = SafeFile.OpenRead(path, MaxDataBytes + 1024, "IDX file");
        var fileLength = file.Length;
        Span<byte> magic = stackalloc byte[2];
        var gzip = file.ReadAtLeast(magic, 2, throwOnEndOfStream: false) == 2 && magic[0] == 0x1f && magic[1] == 0x8b;
        file.Position = 0;
        using var input = gzip ? new DamagedGzipGuard(new GZipStream(file, CompressionMode.Decompress, leaveOpen: true), path) : (Stream)file;
        return ReadFrom(input, path, gzip, fileLength);
    }

    /// <summary>Parses decompressed IDX bytes; <paramref name="source"/> names them in errors.</summary>
    public static IdxFile Parse(byte[] bytes, string source)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        using var stream = new MemoryStream(bytes, writable: false);
        return ReadFrom(stream, source, gzip: false, bytes.Length);
    }

    private static IdxFile ReadFrom(Stream input, string source, bool gzip, long fileLength)
    {
        var prefix = new byte[4];
        if (input.ReadAtLeast(prefix, 4, throwOnEndOfStream: false) < 4 || prefix[0] != 0 || prefix[1] != 0)
        {
            throw new InvalidDataException($"IDX file '{source}' does not start with the IDX magic number (00 00 type dims).");
        }

        if (prefix[2] != UnsignedByteType)
        {
            throw new InvalidDataException($"IDX file '{source}' has data type 0x{prefix[2]:x2}; only unsigned bytes (0x08) are supported.");
        }

        int dims = prefix[3];
        var dimensions = new byte[4 * dims];
        var got = input.ReadAtLeast(dimensions, dimensions.Length, throwOnEndOfStream: false);
        if (dims == 0 || got < dimensions.Length)
        {
            throw new InvalidDataException($"IDX file '{source}' is truncated in its header ({4 + got} bytes for {dims} dimensions).");
        }

        var shape = new int[dims];
        long count = 1;
        for (var i = 0; i < dims; i++)
        {
            shape[i] = BinaryPrimitives.ReadInt32BigEndian(dimensions.AsSpan(4 * i, 4));
            if (shape[i] < 0)
            {
                throw new InvalidDataException($"IDX file '{source}' declares a negative dimension {shape[i]}.");
            }

            count = count == 0 || shape[i] == 0 ? 0 : count > MaxDataBytes / shape[i] ? MaxDataBytes + 1 : count * shape[i];
        }

        if (count > MaxDataBytes)
        {
            throw new InvalidDataException($"IDX file '{source}' declares shape [{string.Join(", ", shape)}], over the {MaxDataBytes:N0}-byte limit for IDX data.");
        }

        var headerLength = 4 + dimensions.Length;
        if (gzip && count > fileLength * MaxDeflateRatio)
        {
            throw new InvalidDataException(
                $"IDX file '{source}' declares {count:N0} data bytes, more than a {fileLength:N0}-byte gzip file can hold; it is truncated or damaged.");
        }

        if (!gzip && fileLength - headerLength < count)
        {
            throw Truncated(source, shape, count, fileLength - headerLength);
        }

        // Grown as bytes arrive rather than allocated up front: a header may lie about a size a small file cannot back.
        var data = new MemoryStream((int)Math.Min(count, Chunk));
        var buffer = new byte[(int)Math.Min(Math.Max(count, 1), Chunk)];
        long read = 0;
        while (read < count)
        {
            var n = input.Read(buffer, 0, (int)Math.Min(buffer.Length, count - read));
            if (n == 0)
            {
                throw Truncated(source, shape, count, read);
            }

            data.Write(buffer, 0, n);
            read += n;
        }

        var extra = input.Read(buffer, 0, 1);
        if (extra > 0)
        {
            var more = gzip ? "more bytes" : $"{fileLength - headerLength - count} bytes";
            throw new InvalidDataException($"IDX file '{source}' has {more} after the data its header declares.");
        }

        return new IdxFile(shape, data.Length == data.Capacity ? data.GetBuffer() : data.ToArray());
    }

    private static InvalidDataException Truncated(string source, int[] shape, long count, long available) =>
        new($"IDX file '{source}' is truncated: shape [{string.Join(", ", shape)}] needs {count} data bytes, found {available}.");
}

/// <summary>Names the file when the gzip stream under an IDX file turns out damaged (GZipStream's own message does not).</summary>
internal sealed class DamagedGzipGuard(GZipStream inner, string path) : Stream
{
    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count)
    {
        try
        {
            return inner.Read(buffer, offset, count);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"IDX file '{path}' is a damaged gzip stream ({e.Message}); download it again.", e);
        }
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }
}
