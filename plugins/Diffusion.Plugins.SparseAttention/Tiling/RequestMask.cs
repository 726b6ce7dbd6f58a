using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Plugins.SparseAttention;

/// <summary>
/// The caller's mask of an <see cref="Contracts.AttentionRequest"/> (bool, true = attend; or additive), read piecewise: a
/// block of rows and columns, or the entries of a tile's (query, key) pairs. Nothing here builds an n × m tensor; a
/// mask the caller passed at full size is only sliced or gathered from.
/// </summary>
internal sealed class RequestMask
{
    private readonly Tensor mask;
    private readonly bool perQuery;
    private readonly bool perKey;

    private RequestMask(Tensor mask)
    {
        this.mask = mask;
        perQuery = mask.shape[2] > 1;
        perKey = mask.shape[3] > 1;
    }

    /// <summary>Whether true means attend (else the mask is added to the scores).</summary>
    public bool IsBoolean => mask.dtype == ScalarType.Bool;

    /// <summary>
    /// Wraps <paramref name="mask"/> (null gives null) after checking that it broadcasts to [b, h, n, m].
    /// </summary>
    /// <exception cref="ArgumentException">The mask has more than 4 dimensions or does not broadcast.</exception>
    public static RequestMask? Of(Tensor? mask, long batch, long heads, long queries, long keys)
    {
        if (mask is null)
        {
            return null;
        }

        if (mask.dim() > 4)
        {
            throw new ArgumentException($"attention mask [{string.Join(", ", mask.shape)}] has more than 4 dimensions; give one that broadcasts to [batch, heads, queries, keys] = [{batch}, {heads}, {queries}, {keys}].");
        }

        var full = mask;
        while (full.dim() < 4)
        {
            full = full.unsqueeze(0);
        }

        long[] expected = [batch, heads, queries, keys];
        for (int axis = 0; axis < 4; axis++)
        {
            if (full.shape[axis] != 1 && full.shape[axis] != expected[axis])
            {
                throw new ArgumentException($"attention mask [{string.Join(", ", mask.shape)}] does not broadcast to [batch, heads, queries, keys] = [{string.Join(", ", expected)}].");
            }
        }

        return new RequestMask(full);
    }

    /// <summary>The mask of rows [q0, q0 + rows) and columns [k0, k0 + columns), [mb, mh, rows | 1, columns | 1].</summary>
    public Tensor Block(long q0, long rows, long k0, long columns)
    {
        var block = perQuery ? mask.narrow(2, q0, rows) : mask;
        return perKey ? block.narrow(3, k0, columns) : block;
    }

    /// <summary>
    /// The mask at the pairs (<paramref name="queries"/>, <paramref name="keys"/>) (broadcastable int64 positions, e.g.
    /// [t, q, 1] and [t, 1, k]), [mb, mh, t, q, k].
    /// </summary>
    public Tensor At(Tensor queries, Tensor keys)
    {
        var rows = perQuery ? queries : zeros_like(queries);
        var columns = perKey ? keys : zeros_like(keys);
        return mask[TensorIndex.Ellipsis, TensorIndex.Tensor(rows), TensorIndex.Tensor(columns)];
    }

    /// <summary><paramref name="scores"/> with <paramref name="piece"/> (from <see cref="Block"/> or <see cref="At"/>) applied.</summary>
    public Tensor Apply(Tensor scores, Tensor piece) =>
        IsBoolean ? scores.masked_fill(piece.logical_not(), double.NegativeInfinity) : scores + piece.to(scores.dtype);
}
