using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace Diffusion.Torch.Imaging;

/// <summary>
/// A small PNG writer (grey, RGB or RGBA, 8 bits per channel, no filtering), for previews and generated images that
/// must not depend on an imaging library: the host process has TorchSharp's SkiaSharp, plugins may carry another.
/// The format is the PNG specification (ISO/IEC 15948, W3C PNG 2nd edition): signature, IHDR, one IDAT of the zlib
/// stream of filter-byte-prefixed rows, IEND; each chunk carries the CRC-32 of its type and data.
/// </summary>
public static class PngEncoder
{
    private static readonly byte[] Signature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];
    private static readonly uint[] CrcTable = MakeCrcTable();

    /// <summary>Encodes row-major 8-bit pixels (<paramref name="channels"/> = 1 grey, 3 RGB, 4 RGBA) as PNG bytes.</summary>
    /// <exception cref="ArgumentException">The size or channel count is not one PNG stores, or the pixels do not fill it.</exception>
    public static byte[] Encode(ReadOnlySpan<byte> pixels, int width, int height, int channels)
    {
        if (width < 1 || height < 1)
        {
            throw new ArgumentException($"A PNG is at least 1 x 1 pixels; got {width} x {height}.");
        }

        byte colourType = channels switch
        {
            1 => 0,
            3 => 2,
            4 => 6,
            _ => throw new ArgumentException($"PNG pixels have 1 (grey), 3 (RGB) or 4 (RGBA) channels; got {channels}."),
        };
        var rowBytes = (long)width * channels;
        if (pixels.Length != rowBytes * height)
        {
            throw new ArgumentException($"{width} x {height} x {channels} pixels need {rowBytes * height} bytes; got {pixels.Length}.");
        }

        using var output = new MemoryStream();
        output.Write(Signature);
        Span<byte> header = stackalloc byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header[4..], height);
        header[8] = 8; // bits per channel
        header[9] = colourType;
        header[10] = 0; // deflate
        header[11] = 0; // adaptive filtering (each row says its filter; all are 0 = none here)
        header[12] = 0; // not interlaced
        WriteChunk(output, "IHDR", header);

        using (var compressed = new MemoryStream())
        {
            using (var zlib = new ZLibStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
            {
                for (var y = 0; y < height; y++)
                {
                    zlib.WriteByte(0);
                    zlib.Write(pixels.Slice((int)(y * rowBytes), (int)rowBytes));
                }
            }

            WriteChunk(output, "IDAT", compressed.GetBuffer().AsSpan(0, (int)compressed.Length));
        }

        WriteChunk(output, "IEND", []);
        return output.ToArray();
    }

    /// <summary>Width and height from a PNG's header, or null when <paramref name="png"/> is not a PNG.</summary>
    public static (int Width, int Height)? ReadSize(ReadOnlySpan<byte> png)
    {
        if (png.Length < 24 || !png[..8].SequenceEqual(Signature) || !png.Slice(12, 4).SequenceEqual("IHDR"u8))
        {
            return null;
        }

        return (BinaryPrimitives.ReadInt32BigEndian(png[16..]), BinaryPrimitives.ReadInt32BigEndian(png[20..]));
    }

    private static void WriteChunk(Stream output, string type, ReadOnlySpan<byte> data)
    {
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(word, data.Length);
        output.Write(word);
        var typeBytes = Encoding.ASCII.GetBytes(type);
        output.Write(typeBytes);
        output.Write(data);
        var crc = Crc(Crc(0xFFFFFFFFu, typeBytes), data) ^ 0xFFFFFFFFu;
        BinaryPrimitives.WriteUInt32BigEndian(word, crc);
        output.Write(word);
    }

    // CRC-32 as PNG defines it (polynomial 0xEDB88320, reflected), table-driven.
    private static uint Crc(uint crc, ReadOnlySpan<byte> bytes)
    {
        foreach (var b in bytes)
        {
            crc = CrcTable[(crc ^ b) & 0xFF] ^ (crc >> 8);
        }

        return crc;
    }

    private static uint[] MakeCrcTable()
    {
        var table = new uint[256];
        for (uint n = 0; n < 256; n++)
        {
            var c = n;
            for (var k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            }

            table[n] = c;
        }

        return table;
    }
}
