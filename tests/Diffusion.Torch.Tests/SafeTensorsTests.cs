using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Torch.Tests;

public sealed class SafeTensorsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("diffusion-st-tests-").FullName;

    public SafeTensorsTests() => TorchRuntime.EnsureInitialized();

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    public static TheoryData<string> FixtureFiles()
    {
        var data = new TheoryData<string>();
        foreach (var f in Directory.EnumerateFiles(FixtureFolders.Cases, "*.safetensors", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            data.Add(Path.GetRelativePath(FixtureFolders.Cases, f));
        return data;
    }

    [Theory]
    [MemberData(nameof(FixtureFiles))]
    public void Fixture_loads_and_matches_its_header(string relative)
    {
        var path = Path.Combine(FixtureFolders.Cases, relative);
        var header = SafeTensors.ReadHeader(path);
        header.Tensors.Should().NotBeEmpty();

        var tensors = SafeTensors.Load(path);
        try
        {
            tensors.Keys.Should().BeEquivalentTo(header.Tensors.Select(t => t.Name));
            foreach (var entry in header.Tensors)
            {
                tensors[entry.Name].shape.Should().Equal(entry.Shape);
                (tensors[entry.Name].NumberOfElements * tensors[entry.Name].ElementSize).Should().Be(entry.ByteLength);
            }
        }
        finally
        {
            foreach (var t in tensors.Values)
                t.Dispose();
        }
    }

    [Fact]
    public void Scheduler_fixture_has_the_expected_layout()
    {
        var path = Path.Combine(FixtureFolders.Repository, "schedulers", "ddim_linear_20_eta1.safetensors");
        var header = SafeTensors.ReadHeader(path);
        var timesteps = header.Tensors.Single(t => t.Name == "timesteps");
        timesteps.DType.Should().Be("F32");
        timesteps.Shape.Should().Equal(20L);
        header.Tensors.Single(t => t.Name == "x_init").Shape.Should().Equal(2L, 3L, 8L, 8L);
    }

    [Fact]
    public void Round_trip_keeps_every_dtype_value_and_metadata()
    {
        using var scope = NewDisposeScope();
        manual_seed(1);
        var input = new Dictionary<string, Tensor>
        {
            ["f32"] = randn(2, 3),
            ["f64"] = randn(4, dtype: ScalarType.Float64),
            ["f16"] = randn(3, 2).to(ScalarType.Float16),
            ["bf16"] = randn(5).to(ScalarType.BFloat16),
            ["i64"] = arange(0, 6, dtype: ScalarType.Int64).reshape(2, 3),
            ["i32"] = tensor(new[] { -7, 0, int.MaxValue }),
            ["u8"] = tensor(new byte[] { 0, 1, 255 }),
            ["bool"] = tensor(new[] { true, false, true }),
            ["scalar"] = tensor(3.5f),
            ["empty"] = zeros(0, 4),
            ["strided"] = randn(3, 4).t(), // non-contiguous: written contiguously
        };
        var meta = new Dictionary<string, string> { ["format"] = "pt", ["note"] = "round trip" };
        var path = Path.Combine(_dir, "rt.safetensors");

        SafeTensors.Save(path, input, meta);

        Directory.GetFiles(_dir).Should().Equal(path); // no temp file left behind
        var header = SafeTensors.ReadHeader(path);
        header.Metadata.Should().BeEquivalentTo(meta);
        header.DataStart.Should().Be(8 + header.HeaderLength);
        (header.HeaderLength % 8).Should().Be(0);
        header.Tensors.Single(t => t.Name == "bf16").DType.Should().Be("BF16");
        header.Tensors.Single(t => t.Name == "bool").DType.Should().Be("BOOL");

        var output = SafeTensors.Load(path);
        foreach (var t in output.Values)
            t.MoveToOuterDisposeScope();
        output.Keys.Should().BeEquivalentTo(input.Keys);
        foreach (var (name, expected) in input)
        {
            var actual = output[name];
            actual.dtype.Should().Be(expected.dtype, name);
            actual.shape.Should().Equal(expected.shape, name);
            actual.eq(expected).all().item<bool>().Should().BeTrue(name);
        }
        foreach (var t in output.Values)
            t.Dispose();
    }

    [Fact]
    public void Save_replaces_an_existing_file()
    {
        using var scope = NewDisposeScope();
        var path = Path.Combine(_dir, "x.safetensors");
        SafeTensors.Save(path, new Dictionary<string, Tensor> { ["a"] = ones(3) });
        SafeTensors.Save(path, new Dictionary<string, Tensor> { ["b"] = ones(2) });
        SafeTensors.ReadHeader(path).Tensors.Select(t => t.Name).Should().Equal("b");
    }

    [Fact]
    public void Truncated_file_names_file_and_tensor()
    {
        var path = WriteSample();
        var bytes = File.ReadAllBytes(path);
        var cut = Path.Combine(_dir, "cut.safetensors");
        File.WriteAllBytes(cut, bytes[..^10]);

        var load = () => SafeTensors.Load(cut);
        load.Should().Throw<InvalidDataException>()
            .WithMessage($"*'{cut}'*tensor 'z'*bytes*truncated*");
        var header = () => SafeTensors.ReadHeader(cut);
        header.Should().Throw<InvalidDataException>();
    }

    [Fact]
    public void File_cut_inside_the_header_is_reported()
    {
        var bytes = File.ReadAllBytes(WriteSample());
        var cut = Path.Combine(_dir, "cut-header.safetensors");
        File.WriteAllBytes(cut, bytes[..20]);
        FluentActions.Invoking(() => SafeTensors.Load(cut)).Should().Throw<InvalidDataException>()
            .WithMessage("*header length*past the end*");

        File.WriteAllBytes(cut, bytes[..5]);
        FluentActions.Invoking(() => SafeTensors.Load(cut)).Should().Throw<InvalidDataException>()
            .WithMessage("*shorter than the 8-byte header length*");
    }

    [Fact]
    public void Corrupt_headers_are_reported()
    {
        var path = Path.Combine(_dir, "bad.safetensors");
        WriteRaw(path, "{\"a\": {\"dtype\": \"F32\", \"shape\": [2], \"data_offsets\": [0, 4]}}", 8);
        FluentActions.Invoking(() => SafeTensors.Load(path)).Should().Throw<InvalidDataException>()
            .WithMessage("*tensor 'a' has 4 bytes, but shape [2] of F32 needs 8*");

        WriteRaw(path, "{\"a\": {\"dtype\": \"Q7\", \"shape\": [1], \"data_offsets\": [0, 4]}}", 4);
        FluentActions.Invoking(() => SafeTensors.Load(path)).Should().Throw<InvalidDataException>()
            .WithMessage("*tensor 'a' has unknown dtype 'Q7'*");

        WriteRaw(path, "{not json", 0);
        FluentActions.Invoking(() => SafeTensors.Load(path)).Should().Throw<InvalidDataException>()
            .WithMessage("*not valid JSON*");

        WriteRaw(path, "{\"a\": {\"dtype\": \"U8\", \"shape\": [2], \"data_offsets\": [0, 2]}, \"b\": {\"dtype\": \"U8\", \"shape\": [2], \"data_offsets\": [1, 3]}}", 3);
        FluentActions.Invoking(() => SafeTensors.Load(path)).Should().Throw<InvalidDataException>()
            .WithMessage("*overlapping*");

        File.WriteAllBytes(path, [.. BitConverter.GetBytes(ulong.MaxValue), 0, 0]);
        FluentActions.Invoking(() => SafeTensors.Load(path)).Should().Throw<InvalidDataException>()
            .WithMessage("*header length*limit*");
    }

    private string WriteSample()
    {
        using var scope = NewDisposeScope();
        var path = Path.Combine(_dir, "sample.safetensors");
        SafeTensors.Save(path, new Dictionary<string, Tensor> { ["a"] = ones(4), ["z"] = arange(10, dtype: ScalarType.Float32) });
        return path;
    }

    private static void WriteRaw(string path, string json, int dataBytes)
    {
        var header = System.Text.Encoding.UTF8.GetBytes(json);
        File.WriteAllBytes(path, [.. BitConverter.GetBytes((ulong)header.Length), .. header, .. new byte[dataBytes]]);
    }
}
