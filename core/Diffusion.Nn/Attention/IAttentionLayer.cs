namespace Diffusion.Nn;

/// <summary>
/// A module that computes attention through an <see cref="Diffusion.Contracts.IAttentionBackend"/> and reports its
/// module path as <see cref="Diffusion.Contracts.AttentionRequest.LayerName"/>, so backends can be chosen per layer.
/// </summary>
public interface IAttentionLayer
{
    /// <summary>The module path within its network (set by <see cref="AttentionLayerNames.Assign"/>).</summary>
    string? LayerName { get; set; }
}
