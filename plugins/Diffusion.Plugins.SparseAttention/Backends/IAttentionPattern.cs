using static TorchSharp.torch;

namespace Diffusion.Plugins.SparseAttention;

/// <summary>A backend whose (query, key) pattern can be drawn: for pictures and for tests against masked dense attention.</summary>
public interface IAttentionPattern
{
    /// <summary>
    /// The pattern over <paramref name="tokens"/> tokens as a [tokens, tokens] bool matrix (true = attend), with the
    /// image layout where the backend needs one, intersected with j ≤ i when <paramref name="causal"/>. For small n.
    /// </summary>
    Tensor PatternFor(long tokens, int? height, int? width, bool causal);
}
