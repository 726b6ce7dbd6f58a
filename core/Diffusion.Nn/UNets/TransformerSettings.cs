using Diffusion.Contracts;

namespace Diffusion.Nn;

/// <summary>How the spatial transformers of one UNet stage are built (diffusers passes these to each block separately).</summary>
/// <param name="Heads">Attention heads (diffusers' <c>attention_head_dim</c> of UNet2DConditionModel); each is channels / heads wide.</param>
/// <param name="Layers">Transformer blocks per transformer (<c>transformer_layers_per_block</c>).</param>
/// <param name="CrossAttentionDim">Width of the text tokens.</param>
/// <param name="NormGroups">GroupNorm groups of the transformer's input norm (the UNet's <c>norm_num_groups</c>).</param>
/// <param name="UseLinearProjection">Linear projections instead of 1x1 convolutions.</param>
/// <param name="UpcastAttention">Compute attention in float32 for half-precision inputs.</param>
public sealed record TransformerSettings(int Heads, int Layers, int CrossAttentionDim, int NormGroups, bool UseLinearProjection, bool UpcastAttention)
{
    /// <summary>A transformer over feature maps of <paramref name="channels"/> channels.</summary>
    public Transformer2DModel Create(int channels, IAttentionBackend? backend) =>
        new(channels, Heads, channels / Heads, Layers, CrossAttentionDim, NormGroups, UseLinearProjection, UpcastAttention, backend);
}
