using System.Buffers.Binary;
using System.IO.Compression;
using Diffusion.Plugins.Mnist;
using static TorchSharp.torch;

namespace Diffusion.Plugins.Tests.Mnist;

public sealed class IdxFileTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("idx-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    private static byte[] Idx(byte[] data, params int[] shape)
    {
        var bytes = new byte[4 + 4 * shape.Length + data.Length];
        bytes[2] = 0x08;
        bytes[3] = (byte)shape.Length;
        for (int i = 0; i < shape.Length; i++)
        {
            BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4 + 4 * i), shape[i]);
        }

        data.CopyTo(bytes, 4 + 4 * shape.Length);
        return bytes;
    }

    private static void WriteGzip(string path, byte[] bytes)
    {
        using var file = File.Create(path);
        using var gzip = new GZipStream(file, CompressionLevel.Fastest);
        gzip.Write(bytes);
    }

    [Fact]
    public void Raw_and_gzip_files_give_the_same_shape_and_bytes()
    {
        var data = Enumerable.Range(0, 2 * 3 * 4).Select(i => (byte)(i * 10)).ToArray();
        var raw = Path.Combine(dir, "raw-idx3-ubyte");
        File.WriteAllBytes(raw, Idx(data, 2, 3, 4));
        var gz = Path.Combine(dir, "gz-idx3-ubyte.gz");
        WriteGzip(gz, Idx(data, 2, 3, 4));

        foreach (var path in new[] { raw, gz })
        {
            var idx = IdxFile.Read(path);
            idx.Shape.Should().Equal(2, 3, 4);
            idx.Data.Should().Equal(data);
        }
    }

    [Fact]
    public void A_truncated_file_names_the_file_and_the_missing_bytes()
    {
        var path = Path.Combine(dir, "short-idx3-ubyte.gz");
        WriteGzip(path, Idx(new byte[10], 2, 3, 4));

        var act = () => IdxFile.Read(path);

        act.Should().Throw<InvalidDataException>().Which.Message.Should()
            .Contain(path).And.Contain("truncated").And.Contain("needs 24 data bytes, found 10");
    }

    [Fact]
    public void A_file_that_is_not_IDX_is_rejected()
    {
        var path = Path.Combine(dir, "text-idx1-ubyte");
        File.WriteAllText(path, "hello world");

        var act = () => IdxFile.Read(path);

        act.Should().Throw<InvalidDataException>().WithMessage("*magic*");
    }

    [Fact]
    public void A_synthetic_split_loads_scaled_and_padded()
    {
        var pixels = new byte[3 * 28 * 28];
        pixels[0] = 255;
        WriteGzip(Path.Combine(dir, "t10k-images-idx3-ubyte.gz"), Idx(pixels, 3, 28, 28));
        File.WriteAllBytes(Path.Combine(dir, "t10k-labels-idx1-ubyte"), Idx([7, 1, 9], 3));

        var dataset = new MnistDataset(MnistData.Load(dir, MnistSplit.Test), 32);
        var (images, labels) = dataset.All();

        dataset.Info.SampleShape.Should().Equal(1L, 32L, 32L);
        images.shape.Should().Equal(3, 1, 32, 32);
        labels.data<long>().ToArray().Should().Equal(7, 1, 9);
        images[0, 0, 2, 2].item<float>().Should().Be(1f);
        images[0, 0, 0, 0].item<float>().Should().Be(-1f);
        var batch = dataset.Sample(5, new Generator(1, CPU));
        batch.Data.shape.Should().Equal(5, 1, 32, 32);
    }

    [Fact]
    public void Labels_that_do_not_match_the_images_are_an_error()
    {
        WriteGzip(Path.Combine(dir, "train-images-idx3-ubyte.gz"), Idx(new byte[2 * 28 * 28], 2, 28, 28));
        File.WriteAllBytes(Path.Combine(dir, "train-labels-idx1-ubyte"), Idx([1, 2, 3], 3));

        var act = () => MnistData.Load(dir, MnistSplit.Train);

        act.Should().Throw<InvalidDataException>().WithMessage("*3 labels*2 images*");
    }
}
