using System.Collections.Concurrent;
using Diffusion.Contracts;
using Microsoft.Extensions.Logging;
using TorchSharp;

namespace Diffusion.Nn;

/// <summary>
/// Wraps the backend a pipeline chose for a network: requests it serves go to it, the rest to
/// <see cref="DenseAttention"/>, and each (layer, reason) pair is logged once, so a 16-layer UNet that runs 1,000 steps
/// writes one line per declining layer instead of 16,000. Thread-safe; serves every request.
/// </summary>
public sealed class FallbackAttention : IAttentionBackend
{
    private readonly ILogger? logger;
    private readonly ConcurrentDictionary<string, byte> reported = new(StringComparer.Ordinal);

    /// <summary>Wraps <paramref name="preferred"/>; <paramref name="logger"/> receives one line per fallback reason and layer.</summary>
    public FallbackAttention(IAttentionBackend preferred, ILogger? logger)
    {
        ArgumentNullException.ThrowIfNull(preferred);
        Preferred = preferred;
        this.logger = logger;
    }

    /// <summary>The backend asked first.</summary>
    public IAttentionBackend Preferred { get; }

    /// <inheritdoc />
    public string Name => Preferred.Name;

    /// <inheritdoc />
    public AttentionCapabilities Capabilities => AttentionCapabilities.Everything;

    /// <summary>Wraps <paramref name="backend"/> unless it is null, dense or already wrapped.</summary>
    public static IAttentionBackend? For(IAttentionBackend? backend, ILogger? logger) => backend switch
    {
        null or DenseAttention or FallbackAttention => backend,
        _ => new FallbackAttention(backend, logger),
    };

    /// <inheritdoc />
    public torch.Tensor Compute(AttentionRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (Preferred.Supports(request, out var reason))
        {
            return Preferred.Compute(request);
        }

        string layer = request.LayerName ?? "(unnamed layer)";
        if (logger is not null && reported.TryAdd($"{layer}\n{reason}", 0))
        {
            logger.LogInformation("Attention backend {Backend} declined {Layer}: {Reason}; using dense attention there.",
                Preferred.Name, layer, reason ?? "no reason given");
        }

        return DenseAttention.Instance.Compute(request);
    }
}
