using Diffusion.Contracts;

namespace Diffusion.Plugins.SparseAttention;

/// <summary>Params of <c>attention.route</c>.</summary>
public sealed record AttentionRouteOptions
{
    [Param("Rules tried in order, first match wins (no match: dense): {\"layer\": glob over the module path, \"min_tokens\", \"max_tokens\" (0 = no bound), \"backend\": index into 'backends'}.")]
    public IReadOnlyList<RouteRule> Rules { get; init; } = [];
}
