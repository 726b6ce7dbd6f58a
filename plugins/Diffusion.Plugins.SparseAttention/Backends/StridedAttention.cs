using Diffusion.Contracts;
using static TorchSharp.torch;

namespace Diffusion.Plugins.SparseAttention;

/// <summary>
/// The factorised patterns of the Sparse Transformer (Child et al. 2019, §4.2–4.3), as one merged head that attends the
/// union of both halves (§4.3, "merged head"), with stride l (0: ⌈√n⌉, the paper's choice l ≈ √n):
/// <list type="bullet">
/// <item><b>strided</b>: A⁽¹⁾ = {j : |i − j| ≤ l} (the previous l positions and, without causality, the next l),
/// A⁽²⁾ = {j : (i − j) mod l = 0};</item>
/// <item><b>fixed</b>: A⁽¹⁾ = {j : ⌊j / l⌋ = ⌊i / l⌋}, A⁽²⁾ = {j : j mod l ∈ {l − c, …, l − 1}} with c summary positions per block.</item>
/// </list>
/// The paper defines both for autoregressive models: a causal request intersects them with j ≤ i, which gives the
/// paper's A⁽¹⁾ᵢ = {max(0, i − l), …, i} exactly; without causality they are the bidirectional versions of the same rules.
/// Computed as blocks of l queries against their neighbourhood blocks plus, for strided, one tile per residue class
/// i mod l, and for fixed, every block against the summary columns.
/// </summary>
public sealed class StridedAttention : IAttentionBackend, IAttentionPattern
{
    /// <summary>Creates the backend.</summary>
    /// <param name="mode">strided or fixed.</param>
    /// <param name="stride">l; 0 picks ⌈√n⌉ per request.</param>
    /// <param name="summary">c, summary positions per block of the fixed pattern (1 ≤ c ≤ l).</param>
    public StridedAttention(StridedMode mode = StridedMode.Strided, int stride = 0, int summary = 1)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(stride);
        ArgumentOutOfRangeException.ThrowIfLessThan(summary, 1);
        if (stride > 0 && summary > stride)
        {
            throw new ArgumentOutOfRangeException(nameof(summary), summary, $"summary c must not exceed the stride l = {stride}.");
        }

        Mode = mode;
        Stride = stride;
        Summary = summary;
    }

    /// <summary>Which pattern.</summary>
    public StridedMode Mode { get; }

    /// <summary>l, or 0 for ⌈√n⌉.</summary>
    public int Stride { get; }

    /// <summary>c.</summary>
    public int Summary { get; }

    /// <inheritdoc />
    public string Name => Mode == StridedMode.Strided ? "strided" : "fixed";

    /// <inheritdoc />
    public AttentionCapabilities Capabilities { get; } = new()
    {
        DTypes = PatternRequests.FloatTypes,
        SupportsCrossAttention = false,
        Exact = false,
    };

    /// <summary>The stride used for <paramref name="tokens"/> tokens.</summary>
    public long StrideFor(long tokens) => EffectiveStride(Stride, Summary, tokens);

    /// <inheritdoc />
    public bool Supports(AttentionRequest request, out string? reason)
    {
        ArgumentNullException.ThrowIfNull(request);
        reason = Capabilities.Explain(request) ?? PatternRequests.ExplainSelfAttention(request);
        return reason is null;
    }

    /// <inheritdoc />
    public Tensor Compute(AttentionRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!Supports(request, out var reason))
        {
            throw new ArgumentException($"{Name} attention cannot serve this request: {reason}.", nameof(request));
        }

        long tokens = request.QueryTokens;
        return TiledAttention.Compute(request, new Layout(tokens, StrideFor(tokens), Mode, Summary));
    }

    /// <summary>The exact pattern over <paramref name="tokens"/> tokens: [n, n] bool, true = attend.</summary>
    public static Tensor Pattern(long tokens, StridedMode mode, int stride, int summary = 1, bool causal = false)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(tokens, 1);
        return new Layout(tokens, EffectiveStride(stride, summary, tokens), mode, summary).ToDense(tokens, tokens, causal);
    }

    /// <inheritdoc />
    public Tensor PatternFor(long tokens, int? height, int? width, bool causal) => Pattern(tokens, Mode, Stride, Summary, causal);

    private static long EffectiveStride(int stride, int summary, long tokens) =>
        stride > 0 ? stride : Math.Max((long)Math.Ceiling(Math.Sqrt(tokens)), summary);

    private sealed class Layout(long tokens, long stride, StridedMode mode, int summary) : TiledPattern
    {
        public override Tensor Allows(Tensor query, Tensor key) => mode == StridedMode.Strided
            ? (query - key).abs().le(stride).logical_or((query - key).remainder(stride).eq(0))
            : query.div(stride, rounding_mode: RoundingMode.floor).eq(key.div(stride, rounding_mode: RoundingMode.floor))
                .logical_or(key.remainder(stride) >= stride - summary);

        public override IEnumerable<TokenTiling> Tilings(Device device)
        {
            var blocks = TokenTiling.Blocks(tokens, stride, device);
            var firstQuery = arange(blocks.shape[0], ScalarType.Int64, device) * stride;
            if (mode == StridedMode.Strided)
            {
                // |i − j| ≤ l: the block before, the block itself and the block after.
                yield return new TokenTiling(blocks, TokenTiling.Spans(firstQuery - stride, 3 * stride, tokens));

                // (i − j) mod l = 0 beyond that: one tile per residue class, its members against each other.
                long perClass = (tokens + stride - 1) / stride;
                var residues = arange(stride, ScalarType.Int64, device).unsqueeze(-1) + (arange(perClass, ScalarType.Int64, device) * stride);
                residues = residues.masked_fill(residues >= tokens, -1);
                yield return new TokenTiling(residues, residues, (query, key) => (query - key).abs() > stride);
            }
            else
            {
                // The query's own block, then the summary columns of the other blocks.
                yield return new TokenTiling(blocks, blocks);
                var columns = arange(tokens, ScalarType.Int64, device);
                var summaries = columns.masked_select(columns.remainder(stride) >= stride - summary).unsqueeze(0);
                yield return new TokenTiling(blocks, summaries, (query, key) =>
                    query.div(stride, rounding_mode: RoundingMode.floor).ne(key.div(stride, rounding_mode: RoundingMode.floor)));
            }
        }
    }
}
