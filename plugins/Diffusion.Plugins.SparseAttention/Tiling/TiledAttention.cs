using Diffusion.Contracts;
using static TorchSharp.torch;

namespace Diffusion.Plugins.SparseAttention;

/// <summary>
/// Computes softmax(q kᵀ · scale + mask) v over a <see cref="TiledPattern"/>: for each of its tilings, queries and keys
/// are gathered into dense tiles [b, h, tiles, slots, d], scored, masked by the pattern's rule and reduced to a
/// <see cref="SoftmaxPartial"/>; the tilings' partials are merged and normalised. Tiles are processed a chunk at a time
/// so that one chunk's scores stay within a budget, so memory grows with n · (keys per query), never with n².
/// Gradients flow through the tensor ops (autograd).
/// </summary>
internal static class TiledAttention
{
    /// <summary>
    /// Score elements one chunk of tiles may hold (2^22: 16 MB of fp32 scores; the step's other temporaries, the
    /// probabilities, the bool and int64 index masks, add a few times that).
    /// </summary>
    public const long DefaultScoreBudget = 1L << 22;

    /// <summary>Attention over <paramref name="pattern"/> for a self-attention <paramref name="request"/>.</summary>
    public static Tensor Compute(AttentionRequest request, TiledPattern pattern, long scoreBudget = DefaultScoreBudget)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(pattern);
        using var scope = NewDisposeScope();
        var query = request.Query;
        long batch = query.shape[0], heads = query.shape[1], headDim = query.shape[3];
        double scale = request.Scale ?? 1.0 / Math.Sqrt(headDim);
        var mask = RequestMask.Of(request.Mask, batch, heads, request.QueryTokens, request.KeyTokens);
        SoftmaxPartial? total = null;
        foreach (var tiling in pattern.Tilings(query.device))
        {
            if (tiling.Tiles == 0 || tiling.QueriesPerTile == 0 || (tiling.KeyIndex is { } keys && keys.shape[1] == 0))
            {
                continue;
            }

            // Only the running total outlives a tiling: its partial and the merge's temporaries are freed here.
            using var step = NewDisposeScope();
            var part = Tiles(query, request.Key, request.Value, scale, tiling, pattern, mask, request.IsCausal, scoreBudget);
            var next = total is null ? part : total.Merge(part);
            total?.Dispose();
            total = next.MoveToOuterDisposeScope();
        }

        if (total is null)
        {
            throw new InvalidOperationException("A sparse pattern produced no tilings.");
        }

        return total.Normalised().MoveToOuterDisposeScope();
    }

    private static SoftmaxPartial Tiles(Tensor query, Tensor key, Tensor value, double scale, TokenTiling tiling, TiledPattern pattern, RequestMask? mask, bool causal, long scoreBudget)
    {
        long batch = query.shape[0], heads = query.shape[1], tokens = query.shape[2], headDim = query.shape[3];
        var keyIndex = tiling.KeyIndex ?? arange(key.shape[2], ScalarType.Int64, key.device).unsqueeze(0);
        long slots = tiling.QueriesPerTile, keySlots = keyIndex.shape[1];
        // Per tile: scores for every batch and head, the rule's int64 temporaries (about 4 score-sized floats), gathers.
        long perTile = (slots * keySlots * ((batch * heads) + 4)) + (batch * heads * ((slots * headDim) + (tiling.SharesKeys ? 0 : 2 * keySlots * headDim)));
        long chunk = Math.Clamp(scoreBudget / Math.Max(perTile, 1), 1, tiling.Tiles);
        Tensor? sharedKeys = null, sharedValues = null;
        if (tiling.SharesKeys)
        {
            sharedKeys = Gather(key, keyIndex);
            sharedValues = Gather(value, keyIndex);
        }

        // The partial in sequence order; each chunk writes the rows it holds, rows no tile holds stay empty (−inf, 0, 0).
        var max = full(batch, heads, tokens, double.NegativeInfinity, query.dtype, query.device);
        var sum = zeros(batch, heads, tokens, query.dtype, query.device);
        var output = zeros(batch, heads, tokens, value.shape[3], query.dtype, query.device);
        for (long start = 0; start < tiling.Tiles; start += chunk)
        {
            // One scope per chunk: its scores and temporaries are freed before the next.
            using var step = NewDisposeScope();
            long count = Math.Min(chunk, tiling.Tiles - start);
            var queries = tiling.QueryIndex.narrow(0, start, count);
            var keys = tiling.SharesKeys ? keyIndex : keyIndex.narrow(0, start, count);
            var scores = (Gather(query, queries) * scale).matmul((sharedKeys ?? Gather(key, keys)).transpose(-1, -2));
            var queryPositions = queries.clamp_min(0).unsqueeze(-1);
            var keyPositions = keys.clamp_min(0).unsqueeze(-2);
            var allowed = pattern.Allows(queryPositions, keyPositions)
                .logical_and((queries >= 0).unsqueeze(-1))
                .logical_and((keys >= 0).unsqueeze(-2));
            if (tiling.Claims is not null)
            {
                allowed = allowed.logical_and(tiling.Claims(queryPositions, keyPositions));
            }

            if (causal)
            {
                allowed = allowed.logical_and(keyPositions <= queryPositions);
            }

            scores = scores.masked_fill(allowed.logical_not(), double.NegativeInfinity);
            if (mask is not null)
            {
                scores = mask.Apply(scores, mask.At(queryPositions, keyPositions));
            }

            var partial = SoftmaxPartial.Of(scores, sharedValues ?? Gather(value, keys));
            var chunkSlots = queries.flatten();
            var filled = (chunkSlots >= 0).nonzero().squeeze(-1);
            var positions = chunkSlots.index_select(0, filled);
            max.index_copy_(2, positions, partial.Max.flatten(2).index_select(2, filled));
            sum.index_copy_(2, positions, partial.Sum.flatten(2).index_select(2, filled));
            output.index_copy_(2, positions, partial.Weighted.flatten(2, 3).index_select(2, filled));
        }

        return new SoftmaxPartial(max, sum, output);
    }

    /// <summary>x [b, h, n, d] at <paramref name="index"/> [t, s] (−1 read as 0, masked later): [b, h, t, s, d].</summary>
    private static Tensor Gather(Tensor x, Tensor index) =>
        x.index_select(2, index.clamp_min(0).flatten()).view(x.shape[0], x.shape[1], index.shape[0], index.shape[1], x.shape[3]);
}
