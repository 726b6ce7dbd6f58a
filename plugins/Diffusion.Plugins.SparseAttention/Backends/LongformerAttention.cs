using Diffusion.Contracts;
using static TorchSharp.torch;

namespace Diffusion.Plugins.SparseAttention;

/// <summary>
/// Longformer attention (Beltagy et al. 2020, §3.1): a sliding window in which query i attends keys j with |i − j| ≤ w,
/// plus g global tokens (here the first g positions) that attend every key and that every query attends:
/// allowed(i, j) = |i − j| ≤ w ∨ i &lt; g ∨ j &lt; g. With causal requests (the autoregressive setting of §4) the
/// window is one-sided: the rule ∧ j ≤ i. Computed as the g global rows against all keys, blocks of queries against
/// their window span, and those blocks against the g global keys: O(n · (w + g)) memory.
/// </summary>
public sealed class LongformerAttention : IAttentionBackend, IAttentionPattern
{
    /// <summary>Creates the backend.</summary>
    /// <param name="window">w, keys attended on each side.</param>
    /// <param name="globalTokens">g, the leading tokens that are global.</param>
    /// <param name="block">Queries per tile: a speed knob only; the result does not depend on it.</param>
    public LongformerAttention(int window = 256, int globalTokens = 1, int block = 64)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(window);
        ArgumentOutOfRangeException.ThrowIfNegative(globalTokens);
        ArgumentOutOfRangeException.ThrowIfLessThan(block, 1);
        Window = window;
        GlobalTokens = globalTokens;
        Block = block;
    }

    /// <summary>w.</summary>
    public int Window { get; }

    /// <summary>g.</summary>
    public int GlobalTokens { get; }

    /// <summary>Queries per tile.</summary>
    public int Block { get; }

    /// <inheritdoc />
    public string Name => "longformer";

    /// <inheritdoc />
    public AttentionCapabilities Capabilities { get; } = new()
    {
        DTypes = PatternRequests.FloatTypes,
        SupportsCrossAttention = false,
        Exact = false,
    };

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
            throw new ArgumentException($"longformer attention cannot serve this request: {reason}.", nameof(request));
        }

        return TiledAttention.Compute(request, new Layout(request.QueryTokens, Window, GlobalTokens, Block));
    }

    /// <summary>The exact pattern over <paramref name="tokens"/> tokens: [n, n] bool, true = attend.</summary>
    public static Tensor Pattern(long tokens, int window, int globalTokens, bool causal = false)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(tokens, 1);
        return new Layout(tokens, window, globalTokens, 1).ToDense(tokens, tokens, causal);
    }

    /// <inheritdoc />
    public Tensor PatternFor(long tokens, int? height, int? width, bool causal) => Pattern(tokens, Window, GlobalTokens, causal);

    private sealed class Layout(long tokens, int window, int globalTokens, int block) : TiledPattern
    {
        private readonly long global = Math.Min(globalTokens, tokens);

        public override Tensor Allows(Tensor query, Tensor key) =>
            (query - key).abs().le(window).logical_or(query < global).logical_or(key < global);

        public override IEnumerable<TokenTiling> Tilings(Device device)
        {
            if (global > 0)
            {
                // Global rows attend everything.
                yield return new TokenTiling(arange(global, ScalarType.Int64, device).unsqueeze(0), KeyIndex: null);
            }

            if (global == tokens)
            {
                yield break;
            }

            var queries = TokenTiling.Blocks(tokens, block, device);
            queries = queries.masked_fill(queries < global, -1);
            var firstQuery = arange(queries.shape[0], ScalarType.Int64, device) * block;
            var span = TokenTiling.Spans(firstQuery - window, block + (2L * window), tokens);
            yield return new TokenTiling(queries, span.masked_fill(span < global, -1));
            if (global > 0)
            {
                yield return new TokenTiling(queries, arange(global, ScalarType.Int64, device).unsqueeze(0));
            }
        }
    }
}
