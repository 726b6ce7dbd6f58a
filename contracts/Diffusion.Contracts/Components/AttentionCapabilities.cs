using TorchSharp;

namespace Diffusion.Contracts;

/// <summary>
/// What an <see cref="IAttentionBackend"/> can serve. <see cref="Explain"/> checks a request against it, so a backend's
/// <see cref="IAttentionBackend.Supports"/> only adds what these fields cannot say.
/// </summary>
public sealed record AttentionCapabilities
{
    /// <summary>Serves everything (dense attention).</summary>
    public static AttentionCapabilities Everything { get; } = new();

    /// <summary>Device types served; empty means any.</summary>
    public IReadOnlyList<DeviceType> Devices { get; init; } = [];

    /// <summary>Dtypes served; empty means any.</summary>
    public IReadOnlyList<torch.ScalarType> DTypes { get; init; } = [];

    /// <summary>Largest head width served; 0 means any.</summary>
    public long MaxHeadDim { get; init; }

    /// <summary>Fewest query tokens worth serving (a sparse pattern over a short sequence is dense anyway); 0 means any.</summary>
    public long MinTokens { get; init; }

    /// <summary>Most query tokens served; 0 means any.</summary>
    public long MaxTokens { get; init; }

    /// <summary>Whether the request must say how tokens tile an image (<see cref="AttentionRequest.SpatialHeight"/>).</summary>
    public bool RequiresSpatialLayout { get; init; }

    /// <summary>Whether an explicit <see cref="AttentionRequest.Mask"/> is honoured.</summary>
    public bool SupportsMask { get; init; } = true;

    /// <summary>Whether <see cref="AttentionRequest.IsCausal"/> is honoured.</summary>
    public bool SupportsCausal { get; init; } = true;

    /// <summary>Whether cross-attention (keys from another sequence) is served.</summary>
    public bool SupportsCrossAttention { get; init; } = true;

    /// <summary>Whether the result equals dense attention (up to float rounding) rather than a sparse approximation.</summary>
    public bool Exact { get; init; } = true;

    /// <summary>Whether gradients flow through the computation (training).</summary>
    public bool SupportsBackward { get; init; } = true;

    /// <summary>Null when <paramref name="request"/> fits these capabilities, else the first reason it does not.</summary>
    public string? Explain(AttentionRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var device = request.Query.device_type;
        if (Devices.Count > 0 && !Devices.Contains(device))
        {
            return $"it does not run on {device}";
        }

        if (DTypes.Count > 0 && !DTypes.Contains(request.Query.dtype))
        {
            return $"it does not take {request.Query.dtype}";
        }

        if (MaxHeadDim > 0 && request.HeadDim > MaxHeadDim)
        {
            return $"head width {request.HeadDim} exceeds its {MaxHeadDim}";
        }

        if (MinTokens > 0 && request.QueryTokens < MinTokens)
        {
            return $"{request.QueryTokens} tokens are below its minimum of {MinTokens}";
        }

        if (MaxTokens > 0 && request.QueryTokens > MaxTokens)
        {
            return $"{request.QueryTokens} tokens exceed its maximum of {MaxTokens}";
        }

        if (RequiresSpatialLayout && (request.SpatialHeight is null || request.SpatialWidth is null))
        {
            return "it needs the 2-D layout of the tokens and the layer gives none";
        }

        if (!SupportsMask && request.Mask is not null)
        {
            return "it does not take an explicit mask";
        }

        if (!SupportsCausal && request.IsCausal)
        {
            return "it does not take causal attention";
        }

        if (!SupportsCrossAttention && request.IsCrossAttention)
        {
            return "it serves self-attention only";
        }

        if (!SupportsBackward && torch.is_grad_enabled() && (request.Query.requires_grad || request.Key.requires_grad || request.Value.requires_grad))
        {
            return "it has no backward pass and gradients are required";
        }

        return null;
    }
}
