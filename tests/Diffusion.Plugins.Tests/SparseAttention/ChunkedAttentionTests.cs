using Diffusion.Plugins.SparseAttention;
using static Diffusion.Plugins.Tests.SparseAttention.AttentionReference;
using static TorchSharp.torch;

namespace Diffusion.Plugins.Tests.SparseAttention;

/// <summary>Chunked (FlashAttention-style) attention is exact: it equals dense SDPA, forward and backward.</summary>
public sealed class ChunkedAttentionTests
{
    public enum MaskKind
    {
        None,
        Bool,
        BoolKeyPadding,
        Additive,
    }

    /// <summary>One shape: batch, heads, queries, keys, head dim, value dim, B_r, B_c, mask, causal, scale (0: default).</summary>
    public sealed record Case(int Batch, int Heads, int Queries, int Keys, int HeadDim, int ValueDim, int QueryBlock, int KeyBlock, MaskKind Mask, bool Causal, double Scale);

    private static readonly Dictionary<string, Case> CasesByName = new()
    {
        ["37 tokens in 8x5 blocks"] = new(2, 3, 37, 37, 16, 16, 8, 5, MaskKind.None, false, 0),
        ["bool mask"] = new(1, 2, 50, 50, 8, 8, 16, 16, MaskKind.Bool, false, 0),
        ["additive mask, causal, scale 0.3"] = new(1, 2, 33, 33, 24, 24, 7, 9, MaskKind.Additive, true, 0.3),
        ["cross-attention with key padding"] = new(2, 1, 19, 41, 32, 32, 4, 6, MaskKind.BoolKeyPadding, false, 0),
        ["one block, causal"] = new(1, 4, 64, 64, 64, 64, 64, 64, MaskKind.None, true, 0),
        ["causal with more keys than queries"] = new(1, 1, 5, 70, 3, 3, 2, 11, MaskKind.None, true, 0),
        ["cross-attention, fewer keys, value dim 5"] = new(1, 2, 70, 5, 8, 5, 9, 2, MaskKind.Additive, false, 0),
        ["head dim 1, bool mask, causal"] = new(3, 2, 23, 23, 1, 1, 4, 4, MaskKind.Bool, true, 0),
        ["head dim 128, scale 2"] = new(1, 1, 45, 45, 128, 128, 13, 17, MaskKind.None, false, 2.0),
        ["blocks larger than the sequence"] = new(1, 2, 29, 29, 12, 20, 512, 512, MaskKind.Bool, false, 0),
    };

    public static TheoryData<string> Cases => new(CasesByName.Keys);

    [Theory]
    [MemberData(nameof(Cases))]
    public void Equals_dense_attention_forward_and_backward(string name)
    {
        var c = CasesByName[name];
        var inputs = Random(c.Batch, c.Heads, c.Queries, c.Keys, c.HeadDim, c.ValueDim, seed: (c.Queries * 31) + c.Keys);
        var mask = c.Mask switch
        {
            MaskKind.Bool => BoolMask([c.Batch, c.Heads, c.Queries, c.Keys], 0.6, seed: 5),
            MaskKind.BoolKeyPadding => BoolMask([c.Batch, 1, 1, c.Keys], 0.7, seed: 6),
            MaskKind.Additive => AdditiveMask([c.Queries, c.Keys], seed: 7),
            _ => null,
        };
        var request = Request(inputs, mask, c.Causal, c.Scale > 0 ? c.Scale : null);

        ShouldMatch(new ChunkedAttention(c.QueryBlock, c.KeyBlock), request, request, inputs.Weights, 1e-10, name);
    }

    [Fact]
    public void Equals_dense_attention_in_float32_within_float_tolerance()
    {
        var inputs = Random(1, 8, 300, 300, 64, dtype: ScalarType.Float32, seed: 3);
        var request = Request(inputs);

        ShouldMatch(new ChunkedAttention(64, 48), request, request, inputs.Weights, 2e-5, "float32, 300 tokens");
    }

    [Fact]
    public void A_row_with_no_allowed_key_gives_zeros_as_dense_sdpa_does()
    {
        var inputs = Random(1, 1, 10, 10, 4, seed: 1);
        var mask = ones(10, 10, ScalarType.Bool);
        mask[3] = zeros(10, ScalarType.Bool);
        var request = Request(inputs, mask);

        var output = new ChunkedAttention(4, 3).Compute(request);

        output[0, 0, 3].abs().max().item<double>().Should().Be(0);
        MaxDifference(output, Diffusion.Nn.DenseAttention.Instance.Compute(request)).Should().BeLessThan(1e-12);
    }

    [Fact]
    public void Declares_exact_full_service_and_rejects_mismatched_shapes_with_a_reason()
    {
        var backend = new ChunkedAttention();
        backend.Capabilities.Exact.Should().BeTrue();
        backend.Capabilities.SupportsMask.Should().BeTrue();
        backend.Capabilities.SupportsCausal.Should().BeTrue();
        backend.Capabilities.SupportsCrossAttention.Should().BeTrue();
        var bad = new Contracts.AttentionRequest { Query = randn(1, 2, 5, 4), Key = randn(1, 3, 5, 4), Value = randn(1, 3, 5, 4) };

        backend.Supports(bad, out var reason).Should().BeFalse();
        reason.Should().Contain("heads");
        FluentActions.Invoking(() => backend.Compute(bad)).Should().Throw<ArgumentException>().WithMessage("*chunked*heads*");
    }
}
