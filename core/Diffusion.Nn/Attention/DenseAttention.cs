using Diffusion.Contracts;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Nn;

/// <summary>
/// Exact attention softmax(q kᵀ · scale + mask) v (Vaswani et al. 2017, Eq. 1) through libtorch's fused
/// <c>scaled_dot_product_attention</c>. TorchSharp's binding has no <c>scale</c> argument and always divides by
/// sqrt(d), so a custom scale is applied to q beforehand: q' = q · scale · sqrt(d). Supports every request.
/// </summary>
public sealed class DenseAttention : IAttentionBackend
{
    /// <summary>A shared instance (the backend holds no state).</summary>
    public static DenseAttention Instance { get; } = new();

    /// <inheritdoc />
    public string Name => "dense";

    /// <inheritdoc />
    public bool Supports(AttentionRequest request, out string? reason)
    {
        reason = null;
        return true;
    }

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

        var output = nn.functional.scaled_dot_product_attention(query, request.Key, request.Value, request.Mask);
        return output.MoveToOuterDisposeScope();
    }
}
