using Diffusion.Contracts;
using Diffusion.Plugins.SparseAttention;
using static Diffusion.Plugins.Tests.SparseAttention.AttentionReference;
using static TorchSharp.torch;

namespace Diffusion.Plugins.Tests.SparseAttention;

/// <summary>
/// Each sparse backend equals dense SDPA given the backend's explicit pattern as a mask (forward and backward), at
/// small odd sizes and over its knobs; and a pattern that covers everything equals plain dense attention.
/// </summary>
public sealed class SparsePatternEqualityTests
{
    private const double Tolerance = 1e-10;

    /// <summary>A backend, its layout and the explicit pattern it claims.</summary>
    public sealed record Case(Func<IAttentionBackend> Backend, long Tokens, int? Height, int? Width, bool Causal, Func<Tensor> Pattern);

    private static readonly Dictionary<string, Case> CasesByName = new()
    {
        ["neighborhood 5x7 k3 tile2"] = Grid(5, 7, 3, 2),
        ["neighborhood 8x8 k5 tile3"] = Grid(8, 8, 5, 3),
        ["neighborhood 9x4 k7 (window wider than the image) tile8"] = Grid(9, 4, 7, 8),
        ["neighborhood 1x13 k3 tile4"] = Grid(1, 13, 3, 4),
        ["neighborhood 6x6 k1 (only itself)"] = Grid(6, 6, 1, 4),
        ["neighborhood 7x7 k3 tile8 (one tile)"] = Grid(7, 7, 3, 8),
        ["neighborhood 11x10 k5 tile4"] = Grid(11, 10, 5, 4),
        ["longformer n37 w3 g2 block8"] = Longformer(37, 3, 2, 8, false),
        ["longformer n37 w3 g2 block8 causal"] = Longformer(37, 3, 2, 8, true),
        ["longformer n50 w0 g1 block16"] = Longformer(50, 0, 1, 16, false),
        ["longformer n20 w5 g0 block4"] = Longformer(20, 5, 0, 4, false),
        ["longformer n64 w10 g4 block64 causal"] = Longformer(64, 10, 4, 64, true),
        ["longformer n13 all global"] = Longformer(13, 2, 13, 4, false),
        ["longformer n29 w1 g3 block5"] = Longformer(29, 1, 3, 5, false),
        ["bigbird n70 b8 w1 g2 r3 seed0"] = BigBird(70, 8, 1, 2, 3, 0),
        ["bigbird n70 b8 w1 g2 r3 seed7"] = BigBird(70, 8, 1, 2, 3, 7),
        ["bigbird n33 b5 w0 g1 r2"] = BigBird(33, 5, 0, 1, 2, 1),
        ["bigbird n64 b4 w2 g0 r5"] = BigBird(64, 4, 2, 0, 5, 3),
        ["bigbird n40 b16 w1 g1 r1 (three blocks)"] = BigBird(40, 16, 1, 1, 1, 0),
        ["bigbird n19 b3 w1 g3 r10 (fewer candidates than r)"] = BigBird(19, 3, 1, 3, 10, 2),
        ["strided n50 l7"] = Strided(50, StridedMode.Strided, 7, 1, false),
        ["strided n50 l7 causal"] = Strided(50, StridedMode.Strided, 7, 1, true),
        ["strided n37 auto l"] = Strided(37, StridedMode.Strided, 0, 1, false),
        ["strided n64 l8 causal"] = Strided(64, StridedMode.Strided, 8, 1, true),
        ["fixed n50 l7 c2"] = Strided(50, StridedMode.Fixed, 7, 2, false),
        ["fixed n50 l7 c2 causal"] = Strided(50, StridedMode.Fixed, 7, 2, true),
        ["fixed n10 l3 c3 causal"] = Strided(10, StridedMode.Fixed, 3, 3, true),
        ["fixed n23 l5 c1"] = Strided(23, StridedMode.Fixed, 5, 1, false),
        ["fixed n41 auto l c2"] = Strided(41, StridedMode.Fixed, 0, 2, false),
    };

    public static TheoryData<string> Cases => new(CasesByName.Keys);

    private static Case Grid(int height, int width, int kernel, int tile) =>
        new(() => new NeighborhoodAttention(kernel, tile), height * width, height, width, false, () => NeighborhoodAttention.Pattern(height, width, kernel));

    private static Case Longformer(long tokens, int window, int global, int block, bool causal) =>
        new(() => new LongformerAttention(window, global, block), tokens, null, null, causal, () => LongformerAttention.Pattern(tokens, window, global, causal));

    private static Case BigBird(long tokens, int block, int window, int global, int random, long seed) =>
        new(() => new BigBirdAttention(block, window, global, random, seed), tokens, null, null, false, () => BigBirdAttention.Pattern(tokens, block, window, global, random, seed));

    private static Case Strided(long tokens, StridedMode mode, int stride, int summary, bool causal) =>
        new(() => new StridedAttention(mode, stride, summary), tokens, null, null, causal, () => StridedAttention.Pattern(tokens, mode, stride, summary, causal));

    [Theory]
    [MemberData(nameof(Cases))]
    public void Equals_dense_attention_masked_by_its_own_pattern(string name)
    {
        var c = CasesByName[name];
        var inputs = Random(2, 3, c.Tokens, c.Tokens, 8, seed: c.Tokens);
        var request = Request(inputs, causal: c.Causal, height: c.Height, width: c.Width);
        var pattern = c.Pattern();
        pattern.shape.Should().Equal(c.Tokens, c.Tokens);

        // The causal triangle is already in the pattern; the reference applies it once more, which changes nothing.
        ShouldMatch(c.Backend(), request, request with { Mask = pattern }, inputs.Weights, Tolerance, name);
    }

    [Theory]
    [InlineData("longformer")]
    [InlineData("bigbird")]
    [InlineData("strided")]
    [InlineData("fixed")]
    public void Honours_a_bool_and_an_additive_request_mask_on_top_of_its_pattern(string kind)
    {
        const long tokens = 45;
        (IAttentionBackend backend, Tensor pattern) = kind switch
        {
            "longformer" => ((IAttentionBackend)new LongformerAttention(4, 2, 8), LongformerAttention.Pattern(tokens, 4, 2)),
            "bigbird" => (new BigBirdAttention(6, 1, 1, 2, 5), BigBirdAttention.Pattern(tokens, 6, 1, 1, 2, 5)),
            "strided" => (new StridedAttention(StridedMode.Strided, 6), StridedAttention.Pattern(tokens, StridedMode.Strided, 6)),
            _ => (new StridedAttention(StridedMode.Fixed, 6, 2), StridedAttention.Pattern(tokens, StridedMode.Fixed, 6, 2)),
        };
        var inputs = Random(2, 2, tokens, tokens, 16, seed: 11);

        // A per-batch key-padding bool mask and a per-pair additive mask (each row keeps its diagonal, so it is never empty).
        var padding = BoolMask([2, 1, 1, tokens], 0.8, seed: 12);
        padding[TensorIndex.Ellipsis, 0] = tensor(true);
        var additive = AdditiveMask([tokens, tokens], seed: 13).masked_fill(eye(tokens, dtype: ScalarType.Bool), 0.25);
        var withPadding = Request(inputs, padding);
        var withAdditive = Request(inputs, additive);

        ShouldMatch(backend, withPadding, withPadding with { Mask = padding.logical_and(pattern) }, inputs.Weights, Tolerance, $"{kind} with key padding");
        ShouldMatch(backend, withAdditive, withAdditive with { Mask = additive.masked_fill(pattern.logical_not(), double.NegativeInfinity) }, inputs.Weights, Tolerance, $"{kind} with an additive mask");
    }

    [Theory]
    [InlineData("neighborhood")]
    [InlineData("longformer")]
    [InlineData("bigbird")]
    [InlineData("strided")]
    [InlineData("fixed")]
    public void A_pattern_that_covers_everything_equals_plain_dense_attention(string kind)
    {
        const int height = 5, width = 7;
        const long tokens = height * width;
        IAttentionBackend backend = kind switch
        {
            "neighborhood" => new NeighborhoodAttention(kernelSize: 7, tile: 3),
            "longformer" => new LongformerAttention(window: 34, globalTokens: 0, block: 8),
            "bigbird" => new BigBirdAttention(blockSize: 4, windowBlocks: 9, globalBlocks: 0, randomBlocks: 0),
            "strided" => new StridedAttention(StridedMode.Strided, stride: 35),
            _ => new StridedAttention(StridedMode.Fixed, stride: 40, summary: 1),
        };
        var inputs = Random(1, 2, tokens, tokens, 8, seed: 21);
        var request = Request(inputs, height: height, width: width);

        ((IAttentionPattern)backend).PatternFor(tokens, height, width, causal: false).all().item<bool>().Should().BeTrue();
        ShouldMatch(backend, request, request with { SpatialHeight = null, SpatialWidth = null }, inputs.Weights, Tolerance, $"{kind} covering everything");
    }

    [Fact]
    public void Sparse_backends_match_dense_with_their_pattern_in_float32_at_a_few_hundred_tokens()
    {
        var inputs = Random(1, 4, 24 * 20, 24 * 20, 32, dtype: ScalarType.Float32, seed: 4);
        var request = Request(inputs, height: 24, width: 20);
        (IAttentionBackend Backend, Tensor Pattern)[] cases =
        [
            (new NeighborhoodAttention(7, 8), NeighborhoodAttention.Pattern(24, 20, 7)),
            (new LongformerAttention(32, 2, 64), LongformerAttention.Pattern(480, 32, 2)),
            (new BigBirdAttention(32, 1, 1, 2, 9), BigBirdAttention.Pattern(480, 32, 1, 1, 2, 9)),
            (new StridedAttention(StridedMode.Strided, 0), StridedAttention.Pattern(480, StridedMode.Strided, 0)),
            (new StridedAttention(StridedMode.Fixed, 24, 3), StridedAttention.Pattern(480, StridedMode.Fixed, 24, 3)),
        ];
        foreach (var (backend, pattern) in cases)
        {
            ShouldMatch(backend, request, request with { Mask = pattern }, inputs.Weights, 2e-5, $"{backend.Name} in float32");
        }
    }

    [Fact]
    public void Backends_decline_what_they_cannot_serve_with_a_reason()
    {
        var square = Random(1, 1, 16, 16, 4);
        var cross = Random(1, 1, 16, 9, 4);
        void Declines(IAttentionBackend backend, AttentionRequest request, string expected)
        {
            backend.Supports(request, out var reason).Should().BeFalse($"{backend.Name} should decline ({expected})");
            reason.Should().Contain(expected);
            FluentActions.Invoking(() => backend.Compute(request)).Should().Throw<ArgumentException>().WithMessage($"*{backend.Name}*");
        }

        Declines(new NeighborhoodAttention(3), Request(square), "2-D layout");
        Declines(new NeighborhoodAttention(3), Request(square, height: 3, width: 5), "does not tile");
        Declines(new NeighborhoodAttention(3), Request(square, causal: true, height: 4, width: 4), "causal");
        Declines(new NeighborhoodAttention(3), Request(square, mask: ones(16, 16, ScalarType.Bool), height: 4, width: 4), "mask");
        Declines(new BigBirdAttention(4), Request(square, causal: true), "causal");
        Declines(new LongformerAttention(2), Request(cross), "self-attention");
        Declines(new StridedAttention(), Request(cross) with { IsCrossAttention = false }, "16 queries but 9 keys");
        Declines(new LongformerAttention(2), Request(square) with { Query = ones(1, 1, 16, 4, ScalarType.Int32) }, "Int32");
    }
}
