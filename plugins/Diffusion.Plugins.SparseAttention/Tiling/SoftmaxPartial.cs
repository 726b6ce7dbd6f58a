using static TorchSharp.torch;

namespace Diffusion.Plugins.SparseAttention;

/// <summary>
/// The softmax-weighted sum of one subset of each query's keys, kept unnormalised with its running max, so subsets
/// computed apart combine exactly: FlashAttention's online softmax (Dao et al. 2022, Alg. 1 lines 10–12; Milakov &amp;
/// Gimelshein 2018). For rows r: m = max_j s_rj, ℓ = Σ_j exp(s_rj − m), o = Σ_j exp(s_rj − m) v_j.
/// </summary>
/// <param name="Max">m [.., n]; −inf where the subset holds no key of that row. Detached: the result does not depend on it.</param>
/// <param name="Sum">ℓ [.., n].</param>
/// <param name="Weighted">o [.., n, d].</param>
internal sealed record SoftmaxPartial(Tensor Max, Tensor Sum, Tensor Weighted) : IDisposable
{
    /// <summary>Moves the three tensors to the enclosing dispose scope (out of a loop step's scope); returns this.</summary>
    public SoftmaxPartial MoveToOuterDisposeScope()
    {
        Max.MoveToOuterDisposeScope();
        Sum.MoveToOuterDisposeScope();
        Weighted.MoveToOuterDisposeScope();
        return this;
    }

    /// <summary>Releases the three tensors (autograd keeps what it saved for the backward pass).</summary>
    public void Dispose()
    {
        Max.Dispose();
        Sum.Dispose();
        Weighted.Dispose();
    }

    /// <summary>
    /// The partial of the union of two disjoint key subsets: m = max(m₁, m₂), ℓ = e^(m₁−m) ℓ₁ + e^(m₂−m) ℓ₂,
    /// o = e^(m₁−m) o₁ + e^(m₂−m) o₂ (Alg. 1, lines 11–12, before the division).
    /// </summary>
    public SoftmaxPartial Merge(SoftmaxPartial other)
    {
        ArgumentNullException.ThrowIfNull(other);
        var max = maximum(Max, other.Max);
        var shift = Finite(max);
        var mine = (Max - shift).exp();
        var theirs = (other.Max - shift).exp();
        return new SoftmaxPartial(max, (Sum * mine) + (other.Sum * theirs), (Weighted * mine.unsqueeze(-1)) + (other.Weighted * theirs.unsqueeze(-1)));
    }

    /// <summary>
    /// o / ℓ; rows with no key at all give 0, as libtorch's CPU <c>scaled_dot_product_attention</c> does for a row whose
    /// mask is all false.
    /// </summary>
    public Tensor Normalised() => Weighted / Sum.masked_fill(Sum == 0, 1).unsqueeze(-1);

    /// <summary>The running max with −inf (no key yet) replaced by 0, so that exp(x − shift) never computes −inf − (−inf).</summary>
    public static Tensor Finite(Tensor max) => max.masked_fill(max.isneginf(), 0);

    /// <summary>The partial of one block of scores [.., rows, keys] (masked entries −inf) and its values [.., keys, d].</summary>
    public static SoftmaxPartial Of(Tensor scores, Tensor values)
    {
        ArgumentNullException.ThrowIfNull(scores);
        ArgumentNullException.ThrowIfNull(values);
        var max = scores.amax([-1L]).detach();
        var weights = (scores - Finite(max).unsqueeze(-1)).exp();
        return new SoftmaxPartial(max, weights.sum(-1), weights.matmul(values));
    }
}
