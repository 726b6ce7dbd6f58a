using TorchSharp;

namespace Diffusion.Contracts;

/// <summary>
/// Computes attention for the networks (dense SDPA, chunked, window, block-sparse). A backend says whether it can take
/// a request; networks fall back to dense, with the reason logged, when it cannot.
/// </summary>
public interface IAttentionBackend
{
    /// <summary>A short name, e.g. <c>dense</c>, <c>chunked</c>, <c>window</c>.</summary>
    string Name { get; }

    /// <summary>Whether <paramref name="request"/> is supported; <paramref name="reason"/> says why not.</summary>
    bool Supports(AttentionRequest request, out string? reason);

    /// <summary>softmax(q kᵀ · scale + mask) v, shape [b, h, n, d].</summary>
    torch.Tensor Compute(AttentionRequest request);
}
