using Diffusion.Contracts;
using Diffusion.Nn;
using static TorchSharp.torch;

namespace Diffusion.Plugins.SparseAttention;

/// <summary>
/// Chooses a backend per request by rules (layer name glob, token range), first match wins, else dense attention. A
/// request the chosen backend declines is declined here with both reasons, so a <see cref="FallbackAttention"/> around
/// this router logs it once and uses dense attention; called directly, <see cref="Compute"/> falls back to dense itself.
/// </summary>
public sealed class RoutedAttention : IAttentionBackend
{
    /// <summary>Creates the router.</summary>
    /// <param name="rules">Tried in order.</param>
    /// <param name="backends">What <see cref="RouteRule.Backend"/> indexes.</param>
    /// <exception cref="ArgumentException">A rule names a backend that is not there.</exception>
    public RoutedAttention(IReadOnlyList<RouteRule> rules, IReadOnlyList<IAttentionBackend> backends)
    {
        ArgumentNullException.ThrowIfNull(rules);
        ArgumentNullException.ThrowIfNull(backends);
        for (int i = 0; i < rules.Count; i++)
        {
            if (rules[i].Backend < 0 || rules[i].Backend >= backends.Count)
            {
                throw new ArgumentException($"route rule {i} names backend {rules[i].Backend}, but {backends.Count} backend(s) are linked (indices 0..{backends.Count - 1}).");
            }
        }

        Rules = [.. rules];
        Backends = [.. backends];
    }

    /// <summary>The rules, in order.</summary>
    public IReadOnlyList<RouteRule> Rules { get; }

    /// <summary>The backends the rules choose from.</summary>
    public IReadOnlyList<IAttentionBackend> Backends { get; }

    /// <inheritdoc />
    public string Name => "route";

    /// <inheritdoc />
    public AttentionCapabilities Capabilities => AttentionCapabilities.Everything;

    /// <summary>The backend <paramref name="request"/> goes to and the number of the rule that chose it (−1: none, dense).</summary>
    public (IAttentionBackend Backend, int Rule) Choose(AttentionRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        for (int i = 0; i < Rules.Count; i++)
        {
            if (Rules[i].Matches(request))
            {
                return (Backends[Rules[i].Backend], i);
            }
        }

        return (DenseAttention.Instance, -1);
    }

    /// <inheritdoc />
    public bool Supports(AttentionRequest request, out string? reason)
    {
        var (backend, rule) = Choose(request);
        if (backend.Supports(request, out var inner))
        {
            reason = null;
            return true;
        }

        reason = $"rule {rule} chose {backend.Name}, which declines: {inner}";
        return false;
    }

    /// <inheritdoc />
    public Tensor Compute(AttentionRequest request)
    {
        var (backend, _) = Choose(request);
        return (backend.Supports(request, out _) ? backend : DenseAttention.Instance).Compute(request);
    }
}
