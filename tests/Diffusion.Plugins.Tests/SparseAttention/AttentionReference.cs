using Diffusion.Contracts;
using Diffusion.Nn;
using static TorchSharp.torch;

namespace Diffusion.Plugins.Tests.SparseAttention;

/// <summary>
/// Runs a backend and dense SDPA (libtorch's kernel, the reference) on the same random q, k, v, and compares outputs
/// and the gradients of q, k and v for a random linear functional of the output.
/// </summary>
internal static class AttentionReference
{
    public sealed record Inputs(Tensor Query, Tensor Key, Tensor Value, Tensor Weights);

    public static Inputs Random(long batch, long heads, long queries, long keys, long headDim, long valueDim = -1, ScalarType dtype = ScalarType.Float64, long seed = 0)
    {
        var generator = new Generator((ulong)seed);
        valueDim = valueDim < 0 ? headDim : valueDim;
        return new Inputs(
            randn([batch, heads, queries, headDim], dtype: dtype, generator: generator),
            randn([batch, heads, keys, headDim], dtype: dtype, generator: generator),
            randn([batch, heads, keys, valueDim], dtype: dtype, generator: generator),
            randn([batch, heads, queries, valueDim], dtype: dtype, generator: generator));
    }

    /// <summary>Output and gradients (q, k, v) of <paramref name="backend"/> on <paramref name="request"/>'s tensors.</summary>
    public static (Tensor Output, Tensor[] Gradients) Run(IAttentionBackend backend, AttentionRequest request, Tensor weights)
    {
        var query = request.Query.detach().clone().requires_grad_(true);
        var key = request.Key.detach().clone().requires_grad_(true);
        var value = request.Value.detach().clone().requires_grad_(true);
        var output = backend.Compute(request with { Query = query, Key = key, Value = value });
        (output * weights).sum().backward();
        return (output.detach(), [query.grad!.detach(), key.grad!.detach(), value.grad!.detach()]);
    }

    /// <summary>Asserts that <paramref name="backend"/> on <paramref name="request"/> equals dense attention on <paramref name="reference"/> (forward and backward).</summary>
    public static void ShouldMatch(IAttentionBackend backend, AttentionRequest request, AttentionRequest reference, Tensor weights, double tolerance, string because)
    {
        var (output, gradients) = Run(backend, request, weights);
        var (expected, expectedGradients) = Run(DenseAttention.Instance, reference, weights);
        output.shape.Should().Equal(expected.shape);
        MaxDifference(output, expected).Should().BeLessThan(tolerance, $"the output should equal dense attention ({because})");
        string[] names = ["q", "k", "v"];
        for (int i = 0; i < 3; i++)
        {
            MaxDifference(gradients[i], expectedGradients[i]).Should().BeLessThan(tolerance, $"d/d{names[i]} should equal dense attention's ({because})");
        }
    }

    public static double MaxDifference(Tensor a, Tensor b)
    {
        using var scope = NewDisposeScope();
        a.isnan().any().item<bool>().Should().BeFalse("no NaN is expected");
        return (a - b).abs().max().to_type(ScalarType.Float64).item<double>();
    }

    public static AttentionRequest Request(Inputs inputs, Tensor? mask = null, bool causal = false, double? scale = null, int? height = null, int? width = null) => new()
    {
        Query = inputs.Query,
        Key = inputs.Key,
        Value = inputs.Value,
        Mask = mask,
        IsCausal = causal,
        Scale = scale,
        SpatialHeight = height,
        SpatialWidth = width,
        IsCrossAttention = inputs.Query.shape[2] != inputs.Key.shape[2],
    };

    /// <summary>A random bool mask (true = attend) of <paramref name="shape"/> where each row keeps at least one key.</summary>
    public static Tensor BoolMask(long[] shape, double keep, long seed)
    {
        var generator = new Generator((ulong)seed);
        var mask = rand(shape, generator: generator) < keep;
        var first = zeros(shape, ScalarType.Bool);
        first[TensorIndex.Ellipsis, 0] = tensor(true);
        return mask.logical_or(first);
    }

    /// <summary>A random additive mask: small offsets, and −inf on a random ~20 % (never the first key of a row).</summary>
    public static Tensor AdditiveMask(long[] shape, long seed, ScalarType dtype = ScalarType.Float64)
    {
        var generator = new Generator((ulong)seed);
        var offsets = randn(shape, dtype: dtype, generator: generator) * 0.5;
        var blocked = BoolMask(shape, 0.8, seed + 1).logical_not();
        return offsets.masked_fill(blocked, double.NegativeInfinity);
    }
}
