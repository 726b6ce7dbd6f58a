using Diffusion.Contracts;

namespace Diffusion.Plugins.SparseAttention;

/// <summary>Checks the sparse backends share beyond <see cref="AttentionCapabilities"/>: 4-D tensors, one sequence.</summary>
internal static class PatternRequests
{
    /// <summary>Dtypes the sparse and chunked backends compute in (−inf masking needs a floating type).</summary>
    public static IReadOnlyList<TorchSharp.torch.ScalarType> FloatTypes { get; } =
        [TorchSharp.torch.ScalarType.Float32, TorchSharp.torch.ScalarType.Float64, TorchSharp.torch.ScalarType.Float16, TorchSharp.torch.ScalarType.BFloat16];

    /// <summary>Null when q, k, v are [b, h, n, d] with the same b and h; else why not.</summary>
    public static string? ExplainShapes(AttentionRequest request)
    {
        if (request.Query.dim() != 4 || request.Key.dim() != 4 || request.Value.dim() != 4)
        {
            return "it takes query, key and value as [batch, heads, tokens, head_dim]";
        }

        if (request.Key.shape[0] != request.Query.shape[0] || request.Key.shape[1] != request.Query.shape[1]
            || request.Value.shape[0] != request.Query.shape[0] || request.Value.shape[1] != request.Query.shape[1]
            || request.Value.shape[2] != request.Key.shape[2])
        {
            return "query, key and value differ in batch, heads or key count (no broadcasting)";
        }

        return null;
    }

    /// <summary>Null when the request is self-attention over one sequence (n = m); else why not.</summary>
    public static string? ExplainSelfAttention(AttentionRequest request) =>
        ExplainShapes(request)
        ?? (request.KeyTokens != request.QueryTokens
            ? $"its pattern relates positions of one sequence, and the request has {request.QueryTokens} queries but {request.KeyTokens} keys"
            : null);
}
