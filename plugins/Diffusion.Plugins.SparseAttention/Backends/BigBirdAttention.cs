using Diffusion.Contracts;
using static TorchSharp.torch;

namespace Diffusion.Plugins.SparseAttention;

/// <summary>
/// BigBird block-sparse attention (Zaheer et al. 2020, §2 and Appendix D, the ITC variant): the sequence is cut into
/// blocks of b tokens; query block I attends key block J when |I − J| ≤ w (a window of 2w + 1 blocks), when I or J is
/// one of the first g blocks (global blocks attend and are attended by all), or when J is one of the r random blocks
/// drawn for I. Random blocks are drawn per query block from the blocks outside its window and the global blocks, by a
/// seeded generator (SplitMix64), so a seed always gives the same pattern. (BigBird's reference code makes the first
/// and last blocks global; here they are the first g.) Memory O(n · b · (2w + 1 + g + r)).
/// </summary>
public sealed class BigBirdAttention : IAttentionBackend, IAttentionPattern
{
    /// <summary>Creates the backend.</summary>
    /// <param name="blockSize">b, tokens per block.</param>
    /// <param name="windowBlocks">w, window blocks on each side of a query block.</param>
    /// <param name="globalBlocks">g, leading global blocks.</param>
    /// <param name="randomBlocks">r, random key blocks per query block.</param>
    /// <param name="seed">Seeds the random blocks.</param>
    public BigBirdAttention(int blockSize = 64, int windowBlocks = 1, int globalBlocks = 2, int randomBlocks = 3, long seed = 0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(blockSize, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(windowBlocks);
        ArgumentOutOfRangeException.ThrowIfNegative(globalBlocks);
        ArgumentOutOfRangeException.ThrowIfNegative(randomBlocks);
        BlockSize = blockSize;
        WindowBlocks = windowBlocks;
        GlobalBlocks = globalBlocks;
        RandomBlocks = randomBlocks;
        Seed = seed;
    }

    /// <summary>b.</summary>
    public int BlockSize { get; }

    /// <summary>w.</summary>
    public int WindowBlocks { get; }

    /// <summary>g.</summary>
    public int GlobalBlocks { get; }

    /// <summary>r.</summary>
    public int RandomBlocks { get; }

    /// <summary>The random-block seed.</summary>
    public long Seed { get; }

    /// <inheritdoc />
    public string Name => "bigbird";

    /// <inheritdoc />
    public AttentionCapabilities Capabilities { get; } = new()
    {
        DTypes = PatternRequests.FloatTypes,
        SupportsCausal = false,
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
            throw new ArgumentException($"bigbird attention cannot serve this request: {reason}.", nameof(request));
        }

        return TiledAttention.Compute(request, new Layout(request.QueryTokens, BlockSize, WindowBlocks, GlobalBlocks, RandomBlocks, Seed, request.Query.device));
    }

    /// <summary>The exact pattern over <paramref name="tokens"/> tokens: [n, n] bool, true = attend.</summary>
    public static Tensor Pattern(long tokens, int blockSize, int windowBlocks, int globalBlocks, int randomBlocks, long seed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(tokens, 1);
        return new Layout(tokens, blockSize, windowBlocks, globalBlocks, randomBlocks, seed, CPU).ToDense(tokens, tokens, causal: false);
    }

    /// <inheritdoc />
    public Tensor PatternFor(long tokens, int? height, int? width, bool causal)
    {
        if (causal)
        {
            throw new ArgumentException("bigbird attention has no causal variant here.", nameof(causal));
        }

        return Pattern(tokens, BlockSize, WindowBlocks, GlobalBlocks, RandomBlocks, Seed);
    }

    /// <summary>
    /// The random key blocks of each query block, [blocks, r] (−1 where fewer than r candidates exist; global query blocks
    /// get none, they attend everything). Drawn in query-block order with a partial Fisher–Yates shuffle.
    /// </summary>
    public static long[,] RandomTable(long blocks, int windowBlocks, int globalBlocks, int randomBlocks, long seed)
    {
        var table = new long[blocks, randomBlocks];
        var random = new SplitMix64(seed);
        var candidates = new List<long>();
        for (long query = 0; query < blocks; query++)
        {
            candidates.Clear();
            if (query >= globalBlocks)
            {
                for (long key = globalBlocks; key < blocks; key++)
                {
                    if (Math.Abs(key - query) > windowBlocks)
                    {
                        candidates.Add(key);
                    }
                }
            }

            for (int r = 0; r < randomBlocks; r++)
            {
                if (r < candidates.Count)
                {
                    int pick = r + (int)random.Next((ulong)(candidates.Count - r));
                    (candidates[r], candidates[pick]) = (candidates[pick], candidates[r]);
                    table[query, r] = candidates[r];
                }
                else
                {
                    table[query, r] = -1;
                }
            }
        }

        return table;
    }

    private sealed class Layout : TiledPattern
    {
        private readonly long tokens;
        private readonly long blockSize;
        private readonly long windowBlocks;
        private readonly long blocks;
        private readonly long globalBlocks;
        private readonly int randomBlocks;
        private readonly Tensor random;

        public Layout(long tokens, int blockSize, int windowBlocks, int globalBlocks, int randomBlocks, long seed, Device device)
        {
            this.tokens = tokens;
            this.blockSize = blockSize;
            this.windowBlocks = windowBlocks;
            this.randomBlocks = randomBlocks;
            blocks = (tokens + blockSize - 1) / blockSize;
            this.globalBlocks = Math.Min(globalBlocks, blocks);
            random = tensor(RandomTable(blocks, windowBlocks, (int)this.globalBlocks, randomBlocks, seed), device: device);
        }

        public override Tensor Allows(Tensor query, Tensor key)
        {
            var queryBlock = query.div(blockSize, rounding_mode: RoundingMode.floor);
            var keyBlock = key.div(blockSize, rounding_mode: RoundingMode.floor);
            var allowed = (queryBlock - keyBlock).abs().le(windowBlocks)
                .logical_or(queryBlock < globalBlocks)
                .logical_or(keyBlock < globalBlocks);
            if (randomBlocks > 0)
            {
                // random[I] holds I's random key blocks: is J among them?
                var drawn = random.index_select(0, queryBlock.flatten()).view([.. queryBlock.shape, randomBlocks]);
                allowed = allowed.logical_or(drawn.eq(keyBlock.unsqueeze(-1)).any(-1));
            }

            return allowed;
        }

        public override IEnumerable<TokenTiling> Tilings(Device device)
        {
            long globalTokens = Math.Min(globalBlocks * blockSize, tokens);
            if (globalTokens > 0)
            {
                yield return new TokenTiling(arange(globalTokens, ScalarType.Int64, device).unsqueeze(0), KeyIndex: null);
            }

            if (globalBlocks == blocks)
            {
                yield break;
            }

            // Query blocks after the global ones, each against its window and random blocks (global blocks excluded:
            // they come in the next tiling).
            var queryBlocks = arange(globalBlocks, blocks, ScalarType.Int64, device);
            var queries = TokenTiling.Spans(queryBlocks * blockSize, blockSize, tokens);
            var window = queryBlocks.unsqueeze(-1) + arange(-windowBlocks, windowBlocks + 1, ScalarType.Int64, device);
            window = window.masked_fill((window < globalBlocks).logical_or(window >= blocks), -1);
            var keyBlocks = randomBlocks > 0 ? cat([window, random.index_select(0, queryBlocks)], 1) : window;
            yield return new TokenTiling(queries, Tokens(keyBlocks));
            if (globalTokens > 0)
            {
                yield return new TokenTiling(queries, arange(globalTokens, ScalarType.Int64, device).unsqueeze(0));
            }
        }

        /// <summary>Block numbers [t, k] (−1 = none) to token positions [t, k·b] (−1 for none or past the end).</summary>
        private Tensor Tokens(Tensor keyBlocks)
        {
            var positions = (keyBlocks.unsqueeze(-1) * blockSize) + arange(blockSize, ScalarType.Int64, keyBlocks.device);
            positions = positions.masked_fill(keyBlocks.unsqueeze(-1) < 0, -1);
            positions = positions.masked_fill(positions >= tokens, -1);
            return positions.view(keyBlocks.shape[0], -1);
        }
    }
}
