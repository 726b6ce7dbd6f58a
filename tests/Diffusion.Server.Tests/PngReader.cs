using System.Buffers.Binary;
using System.IO.Compression;

namespace Diffusion.Server.Tests;

/// <summary>
/// Reads back an 8-bit, non-interlaced PNG whose rows use filter 0 (what PngEncoder writes), following the PNG
/// specification independently of the encoder: chunks, CRC-32 of each, the zlib stream of IDAT, one filter byte per row.
/// </summary>
public static class PngReader
{
    public static (int Width, int Height, int Channels, byte[] Pixels) Read(byte[] png)
    {
        png.AsSpan(0, 8).ToArray().Should().Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A });
        int width = 0, height = 0, channels = 0;
        using var idat = new MemoryStream();
        var offset = 8;
        while (offset < png.Length)
        {
            var length = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(offset));
            var type = System.Text.Encoding.ASCII.GetString(png, offset + 4, 4);
            var data = png.AsSpan(offset + 8, length);
            var crc = BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(offset + 8 + length));
            crc.Should().Be(Crc32(png.AsSpan(offset + 4, length + 4)), $"the CRC of chunk {type}");
            switch (type)
            {
                case "IHDR":
                    width = BinaryPrimitives.ReadInt32BigEndian(data);
                    height = BinaryPrimitives.ReadInt32BigEndian(data[4..]);
                    data[8].Should().Be(8);
                    channels = data[9] switch { 0 => 1, 2 => 3, 6 => 4, var t => throw new InvalidDataException($"colour type {t}") };
                    data[12].Should().Be(0);
                    break;
                case "IDAT":
                    idat.Write(data);
                    break;
            }

            offset += 12 + length;
            if (type == "IEND")
            {
                break;
            }
        }

        idat.Position = 0;
        using var inflated = new MemoryStream();
        using (var zlib = new ZLibStream(idat, CompressionMode.Decompress))
        {
            zlib.CopyTo(inflated);
        }

        var raw = inflated.ToArray();
        var rowBytes = width * channels;
        raw.Length.Should().Be((rowBytes + 1) * height);
        var pixels = new byte[rowBytes * height];
        for (var y = 0; y < height; y++)
        {
            raw[y * (rowBytes + 1)].Should().Be(0, "rows are unfiltered");
            Array.Copy(raw, y * (rowBytes + 1) + 1, pixels, y * rowBytes, rowBytes);
        }

        return (width, height, channels, pixels);
    }

    // Bitwise CRC-32 (reflected polynomial 0xEDB88320), the PNG specification's sample code rewritten without a table.
    private static uint Crc32(ReadOnlySpan<byte> bytes)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in bytes)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? 0xEDB88320u ^ (crc >> 1) : crc >> 1;
            }
        }

        return crc ^ 0xFFFFFFFFu;
    }
}
