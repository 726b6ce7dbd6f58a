using TorchSharp;

namespace Diffusion.Contracts;

/// <summary>
/// Computes attention for the networks (dense SDPA, chunked, window, block-sparse). A backend declares what it serves in
/// <see cref="Capabilities"/>; a layer whose request it cannot serve falls back to dense attention, with the reason
/// logged once. Instances are immutable and shared between concurrent runs.
/// </summary>
public interface IAttentionBackend
{
    /// <summary>A short name, e.g. <c>dense</c>, <c>chunked</c>, <c>neighborhood</c>.</summary>
    string Name { get; }

    /// <summary>What this backend serves.</summary>
    AttentionCapabilities Capabilities { get; }

    /// <summary>
    /// Whether <paramref name="request"/> is served; <paramref name="reason"/> says why not. The default checks
    /// <see cref="Capabilities"/>; override to add rules they cannot express (and call <see cref="AttentionCapabilities.Explain"/>).
    /// </summary>
    bool Supports(AttentionRequest request, out string? reason)
    {
        reason = Capabilities.Explain(request);
        return reason is null;
    }

    /// <summary>softmax(q kᵀ · scale + mask) v over the backend's pattern, shape [b, h, n, d].</summary>
    torch.Tensor Compute(AttentionRequest request);
}
