using Diffusion.Contracts;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Nn;

/// <summary>
/// Exact attention softmax(q kᵀ · scale + mask) v (Vaswani et al. 2017, Eq. 1) through libtorch's fused
/// <c>scaled_dot_product_attention</c>. TorchSharp's binding has no <c>scale</c> argument and always divides by
/// sqrt(d), so a custom scale is applied to q beforehand: q' = q · scale · sqrt(d). Serves every request; it is the
/// reference the other backends are measured against and the fallback when they decline.
/// </summary>
public sealed class DenseAttention : IAttentionBackend
{
    /// <summary>A shared instance (the backend holds no state).</summary>
    public static DenseAttention Instance { get; } = new();

    /// <inheritdoc />
    public string Name => "dense";

    /// <inheritdoc />
    public AttentionCapabilities Capabilities => AttentionCapabilities.Everything;

    /// <inheritdoc />
    public Tensor Compute(AttentionRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        using var scope = NewDisposeScope();
        var query = request.Query;
        if (request.Scale is double scale)
        {
            double headDim = query.shape[^1];
            query = query * (scale * Math.Sqrt(headDim));
        }

        var mask = request.Mask;
        bool causal = request.IsCausal;
        if (causal && mask is not null)
        {
            // SDPA takes a mask or is_causal, not both: fold the causal triangle into the given mask.
            mask = CombineCausal(mask, request.QueryTokens, request.KeyTokens);
            causal = false;
        }

        var output = nn.functional.scaled_dot_product_attention(query, request.Key, request.Value, mask, is_casual: causal);
        return output.MoveToOuterDisposeScope();
    }

    private static Tensor CombineCausal(Tensor mask, long queries, long keys)
    {
        var allowed = ones(queries, keys, ScalarType.Bool, mask.device).tril();
        if (mask.dtype == ScalarType.Bool)
        {
            return mask.logical_and(allowed);
        }

        var blocked = zeros(queries, keys, mask.dtype, mask.device).masked_fill(allowed.logical_not(), double.NegativeInfinity);
        return mask + blocked;
    }
}
