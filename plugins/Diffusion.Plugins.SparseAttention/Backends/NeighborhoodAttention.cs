using Diffusion.Contracts;
using static TorchSharp.torch;

namespace Diffusion.Plugins.SparseAttention;

/// <summary>
/// 2-D neighbourhood attention (Hassani et al. 2023, "Neighborhood Attention Transformer", Eq. 2–3; as in NATTEN and
/// HDiT, Crowson et al. 2024): the query at pixel (y, x) of an H × W token grid attends the k × k keys whose window
/// starts at (clamp(y − ⌊k/2⌋, 0, H − k), clamp(x − ⌊k/2⌋, 0, W − k)), so windows slide inside the image at the
/// borders and every query sees exactly k² keys (min(k, H) · min(k, W) when the image is smaller than the window).
/// Computed over t × t query tiles, each against the (t + k − 1)² keys its windows can reach; self-attention only.
/// </summary>
public sealed class NeighborhoodAttention : IAttentionBackend, IAttentionPattern
{
    /// <summary>Creates the backend.</summary>
    /// <param name="kernelSize">k, the window side (odd, as in NATTEN).</param>
    /// <param name="tile">Query tile side t: a speed knob only (each tile is one dense block); the result does not depend on it.</param>
    public NeighborhoodAttention(int kernelSize = 7, int tile = 8)
    {
        if (kernelSize < 1 || kernelSize % 2 == 0)
        {
            throw new ArgumentOutOfRangeException(nameof(kernelSize), kernelSize, "kernel_size must be odd and at least 1 (the window is centred on its query).");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(tile, 1);
        KernelSize = kernelSize;
        Tile = tile;
    }

    /// <summary>k.</summary>
    public int KernelSize { get; }

    /// <summary>t.</summary>
    public int Tile { get; }

    /// <inheritdoc />
    public string Name => "neighborhood";

    /// <inheritdoc />
    public AttentionCapabilities Capabilities { get; } = new()
    {
        DTypes = PatternRequests.FloatTypes,
        RequiresSpatialLayout = true,
        SupportsMask = false,
        SupportsCausal = false,
        SupportsCrossAttention = false,
        Exact = false,
    };

    /// <inheritdoc />
    public bool Supports(AttentionRequest request, out string? reason)
    {
        ArgumentNullException.ThrowIfNull(request);
        reason = Capabilities.Explain(request) ?? PatternRequests.ExplainSelfAttention(request);
        if (reason is null && (long)request.SpatialHeight!.Value * request.SpatialWidth!.Value != request.QueryTokens)
        {
            reason = $"its {request.SpatialHeight} x {request.SpatialWidth} layout does not tile the {request.QueryTokens} tokens";
        }

        return reason is null;
    }

    /// <inheritdoc />
    public Tensor Compute(AttentionRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!Supports(request, out var reason))
        {
            throw new ArgumentException($"neighborhood attention cannot serve this request: {reason}.", nameof(request));
        }

        return TiledAttention.Compute(request, new Grid(request.SpatialHeight!.Value, request.SpatialWidth!.Value, KernelSize, Tile));
    }

    /// <summary>The exact pattern over an <paramref name="height"/> × <paramref name="width"/> grid (raster order): [hw, hw] bool, true = attend.</summary>
    public static Tensor Pattern(int height, int width, int kernelSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        var tokens = (long)height * width;
        return new Grid(height, width, kernelSize, 1).ToDense(tokens, tokens, causal: false);
    }

    /// <inheritdoc />
    public Tensor PatternFor(long tokens, int? height, int? width, bool causal)
    {
        if (causal)
        {
            throw new ArgumentException("neighborhood attention has no causal variant.", nameof(causal));
        }

        if (height is not int h || width is not int w || (long)h * w != tokens)
        {
            throw new ArgumentException($"neighborhood attention needs the image layout of the {tokens} tokens (height x width = tokens).");
        }

        return Pattern(h, w, KernelSize);
    }

    /// <summary>The rule and tiles for one H × W grid.</summary>
    private sealed class Grid(int height, int width, int kernelSize, int tile) : TiledPattern
    {
        private readonly int windowHeight = Math.Min(kernelSize, height);
        private readonly int windowWidth = Math.Min(kernelSize, width);

        public override Tensor Allows(Tensor query, Tensor key)
        {
            var (qy, qx) = (query.div(width, rounding_mode: RoundingMode.floor), query.remainder(width));
            var (ky, kx) = (key.div(width, rounding_mode: RoundingMode.floor), key.remainder(width));
            var top = (qy - (windowHeight / 2)).clamp(0, height - windowHeight);
            var left = (qx - (windowWidth / 2)).clamp(0, width - windowWidth);
            return (ky >= top).logical_and(ky < top + windowHeight).logical_and(kx >= left).logical_and(kx < left + windowWidth);
        }

        public override IEnumerable<TokenTiling> Tilings(Device device)
        {
            int tileHeight = Math.Min(tile, height), tileWidth = Math.Min(tile, width);

            // Rows y0 .. y0+t−1 of a tile have windows starting in [s(y0), s(y0+t−1)], all inside the span of
            // L = t + k − 1 rows starting at min(max(y0 − ⌊k/2⌋, 0), H − L) (L clamped to H).
            var (queryRows, keyRows) = Axis(height, tileHeight, windowHeight, device);
            var (queryColumns, keyColumns) = Axis(width, tileWidth, windowWidth, device);
            long rowTiles = queryRows.shape[0], columnTiles = queryColumns.shape[0];
            var queries = Combine(queryRows, queryColumns, width).view(rowTiles * columnTiles, -1);
            var keys = Combine(keyRows, keyColumns, width).view(rowTiles * columnTiles, -1);
            yield return new TokenTiling(queries, keys);
        }

        /// <summary>Query positions [tiles, t] (−1 past the end) and key spans [tiles, L] along one axis.</summary>
        private static (Tensor Queries, Tensor Keys) Axis(int length, int tileSide, int window, Device device)
        {
            var queries = TokenTiling.Blocks(length, tileSide, device);
            long span = Math.Min(tileSide + window - 1, length);
            var firstQuery = arange(queries.shape[0], ScalarType.Int64, device) * tileSide;
            var starts = (firstQuery - (window / 2)).clamp(0, length - span);
            return (queries, starts.unsqueeze(-1) + arange(span, ScalarType.Int64, device));
        }

        /// <summary>Row positions [R, a] and column positions [C, b] to flat positions [R, C, a·b] (−1 if either is −1).</summary>
        private static Tensor Combine(Tensor rows, Tensor columns, int width)
        {
            var r = rows.view(rows.shape[0], 1, rows.shape[1], 1);
            var c = columns.view(1, columns.shape[0], 1, columns.shape[1]);
            var flat = (r * width) + c;
            return flat.masked_fill((r < 0).logical_or(c < 0), -1).reshape(rows.shape[0], columns.shape[0], rows.shape[1] * columns.shape[1]);
        }
    }
}
