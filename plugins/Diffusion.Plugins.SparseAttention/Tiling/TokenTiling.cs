using static TorchSharp.torch;

namespace Diffusion.Plugins.SparseAttention;

/// <summary>
/// One cut of a sparse pattern into dense tiles: tile t scores the queries <see cref="QueryIndex"/>[t] against the keys
/// <see cref="KeyIndex"/>[t] and keeps the pairs its pattern allows and this tiling <see cref="Claims"/>. Index −1 marks
/// an empty slot (padding of a last block, a window past the end of the sequence). Within one tiling a query fills at
/// most one slot and a key at most one slot per tile; the tilings of a pattern together claim every allowed pair
/// exactly once, so their partial softmaxes add up to the softmax over the whole pattern.
/// </summary>
/// <param name="QueryIndex">Query positions [tiles, queries per tile], int64, −1 for an empty slot.</param>
/// <param name="KeyIndex">
/// Key positions [tiles, keys per tile] or [1, keys] shared by every tile, int64, −1 for an empty slot; null means
/// every key of the sequence (rows that attend everything, such as global tokens).
/// </param>
/// <param name="Claims">
/// Which allowed (query, key) pairs this tiling computes, when another tiling also holds some of its pairs; it takes
/// broadcastable int64 positions and returns a bool tensor. Null claims every pair the tiles hold.
/// </param>
internal sealed record TokenTiling(Tensor QueryIndex, Tensor? KeyIndex, Func<Tensor, Tensor, Tensor>? Claims = null)
{
    /// <summary>Tiles in this tiling.</summary>
    public long Tiles => QueryIndex.shape[0];

    /// <summary>Query slots per tile.</summary>
    public long QueriesPerTile => QueryIndex.shape[1];

    /// <summary>Whether every tile uses the same keys (then they are gathered once).</summary>
    public bool SharesKeys => KeyIndex is null || KeyIndex.shape[0] == 1;

    /// <summary>
    /// Consecutive blocks of <paramref name="block"/> positions covering [0, <paramref name="length"/>): [ceil(length /
    /// block), block], the tail of the last block −1.
    /// </summary>
    public static Tensor Blocks(long length, long block, Device device)
    {
        long blocks = (length + block - 1) / block;
        var positions = arange(blocks * block, ScalarType.Int64, device).view(blocks, block);
        return positions.masked_fill(positions >= length, -1);
    }

    /// <summary>Spans of <paramref name="width"/> positions starting at <paramref name="starts"/> [t]: [t, width], −1 outside [0, length).</summary>
    public static Tensor Spans(Tensor starts, long width, long length)
    {
        var positions = starts.unsqueeze(-1) + arange(width, ScalarType.Int64, starts.device);
        return positions.masked_fill((positions < 0).logical_or(positions >= length), -1);
    }
}
