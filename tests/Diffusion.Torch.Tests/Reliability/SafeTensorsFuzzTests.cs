using System.Buffers.Binary;
using System.Text;
using CsCheck;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Torch.Tests.Reliability;

/// <summary>
/// Random and mutated safetensors files: reading never crashes, never throws anything but
/// <see cref="InvalidDataException"/> naming the file, and never allocates more than the file backs (every range is
/// checked against the file length before a tensor is created). Iterations are bounded to keep the suite fast.
/// </summary>
public sealed class SafeTensorsFuzzTests : IDisposable
{
    private static readonly string[] DTypes = ["F32", "F64", "F16", "BF16", "I64", "I32", "I16", "I8", "U8", "BOOL", "U16", "F8_E4M3", "X9", ""];
    private readonly string dir = Directory.CreateTempSubdirectory("diffusion-st-fuzz-").FullName;
    private readonly byte[] valid;

    public SafeTensorsFuzzTests()
    {
        TorchRuntime.EnsureInitialized();
        var path = Path.Combine(dir, "valid.safetensors");
        using (var scope = NewDisposeScope())
        {
            SafeTensors.Save(path, new Dictionary<string, Tensor>
            {
                ["a"] = arange(12, dtype: ScalarType.Float32).reshape(3, 4),
                ["b"] = ones(5, dtype: ScalarType.Int64),
                ["c"] = zeros(2, 2, dtype: ScalarType.Float16),
            }, new Dictionary<string, string> { ["format"] = "test", ["step"] = "3" });
        }

        valid = File.ReadAllBytes(path);
    }

    public void Dispose() => Directory.Delete(dir, recursive: true);

    [Fact]
    public void Mutated_files_fail_only_with_invalid_data_naming_the_file()
    {
        var mutation = Gen.Select(
            Gen.Int[0, valid.Length - 1].Select(Gen.Byte).ArrayOf()[1, 8],
            Gen.Int[0, valid.Length]);
        mutation.Sample((edits, length) =>
        {
            var bytes = valid.ToArray();
            foreach (var (at, value) in edits)
            {
                bytes[at] = value;
            }

            Check(bytes[..length]);
        }, iter: 300, threads: 1);
    }

    [Fact]
    public void Random_headers_fail_only_with_invalid_data_naming_the_file()
    {
        var entry = Gen.Select(
            Gen.OneOf(DTypes),
            Gen.Long[-2, 1L << 40].ArrayOf()[0, 4],
            Gen.Long[-5, 200].ArrayOf()[0, 3]);
        var header = Gen.Select(entry.ArrayOf()[0, 4], Gen.Int[0, 64], Gen.Bool, Gen.String[Gen.Char.AlphaNumeric, 0, 6]);
        header.Sample((entries, dataLength, metadata, name) =>
        {
            var json = new StringBuilder("{");
            if (metadata)
            {
                json.Append("\"__metadata__\":{\"k\":\"v\",\"n\":1},");
            }

            for (var i = 0; i < entries.Length; i++)
            {
                var (dtype, shape, offsets) = entries[i];
                json.Append($"\"{name}{i % 3}\":{{\"dtype\":\"{dtype}\",\"shape\":[{string.Join(",", shape)}],\"data_offsets\":[{string.Join(",", offsets)}]}},");
            }

            json.Length--;
            json.Append(entries.Length == 0 && !metadata ? "{}" : "}");
            var headerBytes = Encoding.UTF8.GetBytes(json.ToString());
            var bytes = new byte[8 + headerBytes.Length + dataLength];
            BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)headerBytes.Length);
            headerBytes.CopyTo(bytes, 8);
            Check(bytes);
        }, iter: 300, threads: 1);
    }

    [Theory]
    [InlineData(ulong.MaxValue)]
    [InlineData(100_000_001UL)]
    [InlineData(1UL << 40)]
    public void A_huge_header_length_is_refused_before_allocating(ulong length)
    {
        var bytes = new byte[16];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, length);

        var error = Check(bytes);

        error.Should().NotBeNull().And.Match<InvalidDataException>(e => e.Message.Contains("header length"));
    }

    [Fact]
    public void Duplicate_tensor_names_are_refused_not_a_dictionary_error()
    {
        var json = "{\"x\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[0,1]},\"x\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[1,2]}}";
        var headerBytes = Encoding.UTF8.GetBytes(json);
        var bytes = new byte[8 + headerBytes.Length + 2];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)headerBytes.Length);
        headerBytes.CopyTo(bytes, 8);

        Check(bytes)!.Message.Should().Contain("appears twice").And.NotContain("same key");
    }

    /// <summary>Reads the bytes as a file; returns the error (only <see cref="InvalidDataException"/> is allowed), or null.</summary>
    private InvalidDataException? Check(byte[] bytes)
    {
        var path = Path.Combine(dir, $"case-{Environment.CurrentManagedThreadId}.safetensors");
        File.WriteAllBytes(path, bytes);
        try
        {
            SafeTensors.ReadHeader(path);
            var tensors = SafeTensors.Load(path);
            foreach (var tensor in tensors.Values)
            {
                (tensor.NumberOfElements * tensor.ElementSize).Should().BeLessThanOrEqualTo(bytes.Length, "a tensor never exceeds what the file holds");
                tensor.Dispose();
            }

            return null;
        }
        catch (InvalidDataException e)
        {
            e.Message.Should().Contain(path);
            return e;
        }
    }
}
