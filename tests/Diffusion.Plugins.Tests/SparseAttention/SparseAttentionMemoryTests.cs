using Diffusion.Contracts;
using Diffusion.Plugins.SparseAttention;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Diffusion.Plugins.Tests.SparseAttention;

/// <summary>Peak-memory tests run alone: another test allocating at the same time would count here.</summary>
[CollectionDefinition(nameof(PeakMemoryCollection), DisableParallelization = true)]
public sealed class PeakMemoryCollection;

/// <summary>
/// The chunked and sparse backends never materialise an n × n tensor: at n = 16,384 tokens one n × n float32 tensor
/// is 1 GiB (and an n × n bool mask 256 MiB), while every backend's measured peak extra memory stays far below that.
/// </summary>
[Collection(nameof(PeakMemoryCollection))]
public sealed class SparseAttentionMemoryTests(ITestOutputHelper output)
{
    private const int Side = 128;
    private const long Tokens = Side * Side;

    /// <summary>Well under one n × n bool mask (256 MiB) and a quarter of one n × n float tensor (1 GiB).</summary>
    private const long Limit = 200L << 20;

    public static TheoryData<string> Backends => new() { "chunked", "neighborhood", "longformer", "bigbird", "strided", "fixed" };

    [Theory]
    [MemberData(nameof(Backends))]
    public void Peak_extra_memory_at_16k_tokens_stays_far_below_one_n_by_n_tensor(string name)
    {
        IAttentionBackend backend = name switch
        {
            "chunked" => new ChunkedAttention(512, 512),
            "neighborhood" => new NeighborhoodAttention(7),
            "longformer" => new LongformerAttention(64, 1),
            "bigbird" => new BigBirdAttention(64, 1, 2, 3),
            "strided" => new StridedAttention(StridedMode.Strided),
            _ => new StridedAttention(StridedMode.Fixed, 0, 1),
        };
        using var scope = NewDisposeScope();
        var generator = new Generator(1);
        var request = new AttentionRequest
        {
            Query = randn([1, 1, Tokens, 16], generator: generator),
            Key = randn([1, 1, Tokens, 16], generator: generator),
            Value = randn([1, 1, Tokens, 16], generator: generator),
            SpatialHeight = Side,
            SpatialWidth = Side,
        };
        Tensor? result = null;

        long extra = PeakMemory.MeasureExtraBytes(() =>
        {
            using var noGrad = no_grad();
            result = backend.Compute(request);
        });

        output.WriteLine($"{name}: peak extra {extra / (1 << 20)} MiB at {Tokens} tokens (one n x n float32 tensor: {Tokens * Tokens * 4 >> 20} MiB)");
        result!.shape.Should().Equal(1, 1, Tokens, 16);
        extra.Should().BeLessThan(Limit, $"{name} must not hold an n x n tensor ({Tokens * Tokens * 4 >> 20} MiB)");
    }

    [Fact]
    public void The_measurement_sees_an_n_by_n_tensor()
    {
        long extra = PeakMemory.MeasureExtraBytes(() =>
        {
            using var scores = ones(Tokens, Tokens, ScalarType.Bool);
        });

        output.WriteLine($"an n x n bool tensor: peak extra {extra >> 20} MiB");
        extra.Should().BeGreaterThan(Limit, "a 256 MiB n x n bool mask must show up, or the other tests here prove nothing");
    }
}
