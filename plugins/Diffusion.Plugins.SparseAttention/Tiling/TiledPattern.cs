using static TorchSharp.torch;

namespace Diffusion.Plugins.SparseAttention;

/// <summary>
/// A sparse attention pattern over one sequence: its rule (<see cref="Allows"/>, the single source of truth, used both by
/// the tiles and by <see cref="ToDense"/> for tests and pictures) and the tilings that compute it without ever holding
/// an n × n tensor.
/// </summary>
internal abstract class TiledPattern
{
    /// <summary>Whether query position <paramref name="query"/> may attend key position <paramref name="key"/> (int64 tensors that broadcast; returns bool).</summary>
    public abstract Tensor Allows(Tensor query, Tensor key);

    /// <summary>The tilings; together they claim every allowed pair exactly once (see <see cref="TokenTiling"/>).</summary>
    public abstract IEnumerable<TokenTiling> Tilings(Device device);

    /// <summary>The pattern as an explicit [queries, keys] bool matrix (true = attend), optionally intersected with j ≤ i. For small n only.</summary>
    public Tensor ToDense(long queries, long keys, bool causal)
    {
        using var scope = NewDisposeScope();
        var i = arange(queries, ScalarType.Int64).unsqueeze(1);
        var j = arange(keys, ScalarType.Int64).unsqueeze(0);
        var allowed = Allows(i, j).expand(queries, keys);
        if (causal)
        {
            allowed = allowed.logical_and(j <= i);
        }

        return allowed.contiguous().MoveToOuterDisposeScope();
    }
}
