using System.Text.RegularExpressions;
using Diffusion.Contracts;

namespace Diffusion.Plugins.SparseAttention;

/// <summary>
/// One rule of <c>attention.route</c>: requests whose layer name matches <see cref="Layer"/> and whose query count lies in
/// [<see cref="MinTokens"/>, <see cref="MaxTokens"/>] go to backend number <see cref="Backend"/> of the node's
/// <c>backends</c> input.
/// </summary>
public sealed record RouteRule
{
    /// <summary>
    /// A glob over the layer's module path (<c>*</c> any run of characters, dots included; <c>?</c> one character), e.g.
    /// <c>mid_block.*</c> or <c>down_blocks.*.attentions.*</c>. <c>*</c> also matches layers without a name.
    /// </summary>
    public string Layer { get; init; } = "*";

    /// <summary>Fewest query tokens (inclusive); 0 = no minimum.</summary>
    public long MinTokens { get; init; }

    /// <summary>Most query tokens (inclusive); 0 = no maximum.</summary>
    public long MaxTokens { get; init; }

    /// <summary>Index into the <c>backends</c> input (0-based).</summary>
    public int Backend { get; init; }

    /// <summary>Whether this rule applies to <paramref name="request"/>.</summary>
    public bool Matches(AttentionRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        long tokens = request.QueryTokens;
        if ((MinTokens > 0 && tokens < MinTokens) || (MaxTokens > 0 && tokens > MaxTokens))
        {
            return false;
        }

        return Layer == "*" || (request.LayerName is { } name && Glob(Layer).IsMatch(name));
    }

    /// <summary>A glob as an anchored regular expression.</summary>
    public static Regex Glob(string pattern)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        var body = Regex.Escape(pattern).Replace(@"\*", ".*", StringComparison.Ordinal).Replace(@"\?", ".", StringComparison.Ordinal);
        return new Regex($"^{body}$", RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
    }
}
