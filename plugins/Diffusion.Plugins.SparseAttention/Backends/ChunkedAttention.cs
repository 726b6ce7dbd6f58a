using Diffusion.Contracts;
using static TorchSharp.torch;

namespace Diffusion.Plugins.SparseAttention;

/// <summary>
/// Exact attention in blocks with an online softmax: FlashAttention (Dao et al. 2022, Alg. 1) written in tensor ops.
/// For each block of B_r queries, blocks of B_c keys are scored in turn, S_ij = Q_i K_jᵀ · scale (+ mask), and folded
/// into running statistics m_i, ℓ_i and an unnormalised output O_i (Alg. 1 lines 9–12), which is divided by ℓ_i once
/// at the end (the loop order and the late division of FlashAttention-2, Dao 2023, Alg. 1). Extra memory is one
/// B_r × B_c score block per batch and head plus O(n · d) for the output: no n × m tensor. Key blocks wholly after a
/// causal query block are skipped. Masks, causal and cross-attention are served; gradients flow through autograd, which
/// keeps every block's probabilities for the backward pass (training memory as for unfused attention: FlashAttention's
/// recomputing backward, Alg. 4, is not implemented).
/// </summary>
public sealed class ChunkedAttention : IAttentionBackend, IAttentionPattern
{
    /// <summary>Creates the backend.</summary>
    /// <param name="queryBlock">B_r, queries per block.</param>
    /// <param name="keyBlock">B_c, keys per block.</param>
    public ChunkedAttention(int queryBlock = 512, int keyBlock = 512)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(queryBlock, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(keyBlock, 1);
        QueryBlock = queryBlock;
        KeyBlock = keyBlock;
    }

    /// <summary>B_r.</summary>
    public int QueryBlock { get; }

    /// <summary>B_c.</summary>
    public int KeyBlock { get; }

    /// <inheritdoc />
    public string Name => "chunked";

    /// <inheritdoc />
    public AttentionCapabilities Capabilities { get; } = new() { DTypes = PatternRequests.FloatTypes };

    /// <inheritdoc />
    public bool Supports(AttentionRequest request, out string? reason)
    {
        ArgumentNullException.ThrowIfNull(request);
        reason = Capabilities.Explain(request) ?? PatternRequests.ExplainShapes(request);
        return reason is null;
    }

    /// <inheritdoc />
    public Tensor Compute(AttentionRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!Supports(request, out var reason))
        {
            throw new ArgumentException($"chunked attention cannot serve this request: {reason}.", nameof(request));
        }

        using var scope = NewDisposeScope();
        var query = request.Query;
        long batch = query.shape[0], heads = query.shape[1], queries = request.QueryTokens, keys = request.KeyTokens;
        double scale = request.Scale ?? 1.0 / Math.Sqrt(request.HeadDim);
        var mask = RequestMask.Of(request.Mask, batch, heads, queries, keys);
        var blocks = new List<Tensor>();
        for (long q0 = 0; q0 < queries; q0 += QueryBlock)
        {
            long rows = Math.Min(QueryBlock, queries - q0);
            var queryBlock = query.narrow(2, q0, rows) * scale;
            SoftmaxPartial? running = null;
            long keyEnd = request.IsCausal ? Math.Min(keys, q0 + rows) : keys;
            for (long k0 = 0; k0 < keyEnd; k0 += KeyBlock)
            {
                // One scope per step: only the running statistics outlive it, so memory stays at one score block.
                using var step = NewDisposeScope();
                long columns = Math.Min(KeyBlock, keys - k0);
                var scores = queryBlock.matmul(request.Key.narrow(2, k0, columns).transpose(-1, -2));
                if (request.IsCausal && k0 + columns - 1 > q0)
                {
                    // The block crosses the diagonal: key j is allowed for query i when j ≤ i (top-left aligned, as SDPA).
                    var i = arange(q0, q0 + rows, ScalarType.Int64, query.device).unsqueeze(-1);
                    var j = arange(k0, k0 + columns, ScalarType.Int64, query.device).unsqueeze(0);
                    scores = scores.masked_fill(j > i, double.NegativeInfinity);
                }

                if (mask is not null)
                {
                    scores = mask.Apply(scores, mask.Block(q0, rows, k0, columns));
                }

                var block = SoftmaxPartial.Of(scores, request.Value.narrow(2, k0, columns));
                var next = running is null ? block : running.Merge(block);
                running?.Dispose();
                running = next.MoveToOuterDisposeScope();
            }

            blocks.Add(running?.Normalised() ?? zeros(batch, heads, rows, request.Value.shape[3], query.dtype, query.device));
        }

        return cat(blocks, 2).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public Tensor PatternFor(long tokens, int? height, int? width, bool causal)
    {
        var all = ones(tokens, tokens, ScalarType.Bool);
        return causal ? all.tril() : all;
    }
}
