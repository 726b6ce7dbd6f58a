using System.Buffers.Binary;
using System.IO.Compression;
using CsCheck;
using Diffusion.Plugins.Mnist;

namespace Diffusion.Plugins.Tests.Reliability;

/// <summary>
/// IDX files (raw or gzip) from strangers: random and mutated files fail with <see cref="InvalidDataException"/> naming
/// the file, and a gzip bomb stops after the bytes its header's dimensions declare.
/// </summary>
public sealed class IdxFuzzTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("diffusion-idx-fuzz-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    private static byte[] Header(params int[] shape)
    {
        var bytes = new byte[4 + 4 * shape.Length];
        bytes[2] = 0x08;
        bytes[3] = (byte)shape.Length;
        for (var i = 0; i < shape.Length; i++)
        {
            BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4 + 4 * i), shape[i]);
        }

        return bytes;
    }

    private static void Gzip(string path, byte[] header, long zeros)
    {
        using var file = File.Create(path);
        using var gzip = new GZipStream(file, CompressionLevel.Fastest);
        gzip.Write(header);
        var chunk = new byte[1 << 20];
        for (long left = zeros; left > 0; left -= chunk.Length)
        {
            gzip.Write(chunk, 0, (int)Math.Min(left, chunk.Length));
        }
    }

    [Fact]
    public void A_gzip_bomb_fails_after_the_declared_size_naming_the_file()
    {
        // 64 MB of zeros after a header that declares 2 x 28 x 28 bytes: reading stops at byte 1,569.
        var path = Path.Combine(dir, "bomb-idx3-ubyte.gz");
        Gzip(path, Header(2, 28, 28), 64L << 20);

        var read = () => IdxFile.Read(path);

        read.Should().Throw<InvalidDataException>().Which.Message.Should().Contain(path).And.Contain("after the data its header declares");
    }

    [Fact]
    public void A_header_declaring_more_than_the_limit_fails_before_decompressing()
    {
        var path = Path.Combine(dir, "huge-idx3-ubyte.gz");
        Gzip(path, Header(65535, 65535, 255), 0);

        ((Action)(() => IdxFile.Read(path))).Should().Throw<InvalidDataException>().Which.Message.Should().Contain("over the").And.Contain(path);
    }

    [Fact]
    public void A_small_gzip_file_cannot_back_a_large_declared_size()
    {
        // 40 MB declared, a few hundred bytes of gzip: deflate expands at most 1032:1.
        var path = Path.Combine(dir, "short-idx3-ubyte.gz");
        Gzip(path, Header(50000, 28, 28), 100);

        ((Action)(() => IdxFile.Read(path))).Should().Throw<InvalidDataException>().Which.Message.Should().Contain("more than a").And.Contain("gzip file can hold");
    }

    [Fact]
    public void Random_and_mutated_files_fail_only_with_invalid_data_naming_the_file()
    {
        var good = Header(3, 2, 2).Concat(Enumerable.Range(0, 12).Select(i => (byte)i)).ToArray();
        var mutation = Gen.Select(Gen.Int[0, good.Length - 1].Select(Gen.Byte).ArrayOf()[0, 4], Gen.Int[0, good.Length + 4], Gen.Bool);
        var index = 0;
        mutation.Sample((edits, length, gzip) =>
        {
            var bytes = good.Concat(new byte[4]).ToArray()[..length];
            foreach (var (at, value) in edits)
            {
                if (at < bytes.Length)
                {
                    bytes[at] = value;
                }
            }

            var path = Path.Combine(dir, $"case{index++ % 4}-idx{(gzip ? ".gz" : "")}");
            if (gzip)
            {
                using var file = File.Create(path);
                using var stream = new GZipStream(file, CompressionLevel.Fastest);
                stream.Write(bytes);
            }
            else
            {
                File.WriteAllBytes(path, bytes);
            }

            try
            {
                var idx = IdxFile.Read(path);
                idx.Data.LongLength.Should().Be(idx.Shape.Aggregate(1L, (a, b) => a * b));
            }
            catch (InvalidDataException e)
            {
                e.Message.Should().Contain(path);
            }
        }, iter: 300, threads: 1);
    }

    [Fact]
    public void Mutated_gzip_streams_are_damaged_streams_not_crashes()
    {
        var path = Path.Combine(dir, "gz-idx1-ubyte.gz");
        Gzip(path, Header(100), 100);
        var good = File.ReadAllBytes(path);
        Gen.Select(Gen.Int[0, good.Length - 1], Gen.Byte).ArrayOf()[1, 4].Sample(edits =>
        {
            var bytes = good.ToArray();
            foreach (var (at, value) in edits)
            {
                bytes[at] = value;
            }

            File.WriteAllBytes(path, bytes);
            try
            {
                IdxFile.Read(path);
            }
            catch (InvalidDataException e)
            {
                e.Message.Should().Contain(path);
            }
        }, iter: 300, threads: 1);
    }
}
