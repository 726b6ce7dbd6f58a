using static TorchSharp.torch;

namespace Diffusion.Cli.Bench;

/// <summary>
/// Textbook attention softmax(q kᵀ · scale) v (Vaswani et al. 2017, Eq. 1) with the n × n scores and probabilities
/// materialised, as frameworks computed it before fused kernels: the memory baseline the sparse backends are measured
/// against (two [b, h, n, n] tensors at once).
/// </summary>
internal static class UnfusedAttention
{
    /// <summary>Bytes the n × n tensors take: scores and probabilities for <paramref name="heads"/> heads at once.</summary>
    public static long BytesNeeded(long batch, long heads, long tokens, long elementSize) => 2 * batch * heads * tokens * tokens * elementSize;

    /// <summary>All heads at once.</summary>
    public static Tensor Compute(Tensor query, Tensor key, Tensor value)
    {
        using var scope = NewDisposeScope();
        var scores = query.matmul(key.transpose(-1, -2)) * (1.0 / Math.Sqrt(query.shape[^1]));
        var probabilities = scores.softmax(-1);
        return probabilities.matmul(value).MoveToOuterDisposeScope();
    }

    /// <summary>One head at a time (the same arithmetic; n × n tensors of one head only).</summary>
    public static Tensor PerHead(Tensor query, Tensor key, Tensor value)
    {
        using var scope = NewDisposeScope();
        var heads = new List<Tensor>();
        for (long h = 0; h < query.shape[1]; h++)
        {
            using var step = NewDisposeScope();
            heads.Add(Compute(query.narrow(1, h, 1), key.narrow(1, h, 1), value.narrow(1, h, 1)).MoveToOuterDisposeScope());
        }

        return cat(heads, 1).MoveToOuterDisposeScope();
    }
}
