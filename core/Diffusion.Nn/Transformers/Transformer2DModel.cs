using Diffusion.Contracts;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Diffusion.Nn;

/// <summary>
/// The spatial transformer of Stable Diffusion (Rombach et al. 2022, §3.3): GroupNorm, projection of the feature map
/// [b, c, h, w] to h·w tokens, <see cref="BasicTransformerBlock"/>s with cross-attention to the text, projection back,
/// plus the residual. diffusers' <c>Transformer2DModel</c> for continuous inputs: norm, proj_in, transformer_blocks,
/// proj_out, where the projections are 1x1 convolutions (SD 1.x) or linear layers on the tokens
/// (<c>use_linear_projection</c>, SD 2.x).
/// </summary>
public sealed class Transformer2DModel : nn.Module
{
    private readonly GroupNorm norm;
    private readonly nn.Module<Tensor, Tensor> proj_in;
    private readonly ModuleList<BasicTransformerBlock> transformer_blocks;
    private readonly nn.Module<Tensor, Tensor> proj_out;
    private readonly bool linearProjection;

    /// <summary>Creates the transformer.</summary>
    /// <param name="channels">Channels of the feature map (in and out).</param>
    /// <param name="heads">Attention heads; the token width is heads × headDim.</param>
    /// <param name="headDim">Width of one head.</param>
    /// <param name="layers">Transformer blocks (<c>transformer_layers_per_block</c>).</param>
    /// <param name="crossAttentionDim">Width of the text tokens.</param>
    /// <param name="normGroups">GroupNorm groups (the UNet's <c>norm_num_groups</c>).</param>
    /// <param name="useLinearProjection">Linear projections on tokens instead of 1x1 convolutions.</param>
    /// <param name="upcastAttention">diffusers' <c>upcast_attention</c>.</param>
    /// <param name="backend">Computes attention; null means dense.</param>
    public Transformer2DModel(
        int channels,
        int heads,
        int headDim,
        int layers,
        int crossAttentionDim,
        int normGroups,
        bool useLinearProjection,
        bool upcastAttention,
        IAttentionBackend? backend)
        : base(nameof(Transformer2DModel))
    {
        int inner = heads * headDim;

        // diffusers builds this GroupNorm with eps 1e-6 regardless of the UNet's norm_eps.
        norm = ChannelGroups.Create(normGroups, channels, 1e-6, "norm");
        proj_in = useLinearProjection ? nn.Linear(channels, inner) : nn.Conv2d(channels, inner, 1);
        transformer_blocks = new ModuleList<BasicTransformerBlock>();
        for (int i = 0; i < layers; i++)
        {
            transformer_blocks.Add(new BasicTransformerBlock(inner, heads, headDim, crossAttentionDim, upcastAttention, backend));
        }

        proj_out = useLinearProjection ? nn.Linear(inner, channels) : nn.Conv2d(inner, channels, 1);
        linearProjection = useLinearProjection;
        RegisterComponents();
    }

    /// <summary>Applies the transformer to <paramref name="input"/> [b, c, h, w] with text tokens <paramref name="context"/> [b, m, c'].</summary>
    public Tensor Forward(Tensor input, Tensor context)
    {
        ArgumentNullException.ThrowIfNull(input);
        using var scope = NewDisposeScope();
        long batch = input.shape[0], height = input.shape[2], width = input.shape[3];
        var h = norm.forward(input);
        Tensor tokens;
        if (linearProjection)
        {
            tokens = proj_in.forward(h.permute(0, 2, 3, 1).reshape(batch, height * width, -1));
        }
        else
        {
            h = proj_in.forward(h);
            tokens = h.permute(0, 2, 3, 1).reshape(batch, height * width, -1);
        }

        foreach (var block in transformer_blocks)
        {
            tokens = block.Forward(tokens, context, (int)height, (int)width);
        }

        Tensor output;
        if (linearProjection)
        {
            output = proj_out.forward(tokens).reshape(batch, height, width, -1).permute(0, 3, 1, 2);
        }
        else
        {
            output = proj_out.forward(tokens.reshape(batch, height, width, -1).permute(0, 3, 1, 2));
        }

        return (output + input).MoveToOuterDisposeScope();
    }
}
