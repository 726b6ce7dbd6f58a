using Diffusion.Contracts;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Diffusion.Nn;

/// <summary>
/// Multi-head self-attention over the pixels of a feature map, as in DDPM's UNet (Ho et al. 2020, appendix B;
/// Vaswani et al. 2017, Eq. 1): x → GroupNorm → q, k, v → softmax(q kᵀ / sqrt(d)) v → to_out.0, plus the residual,
/// divided by <c>rescale_output_factor</c>. Parameter names follow diffusers' <c>Attention</c> as converted from the
/// old attention block (group_norm, to_q, to_k, to_v, to_out.0). The inner product runs in an
/// <see cref="IAttentionBackend"/>; when the chosen one declines a request, dense attention runs instead.
/// </summary>
public sealed class Attention : nn.Module<Tensor, Tensor>, IAttentionLayer
{
    private readonly GroupNorm? group_norm;
    private readonly Linear to_q;
    private readonly Linear to_k;
    private readonly Linear to_v;
    private readonly ModuleList<nn.Module<Tensor, Tensor>> to_out;
    private readonly int heads;
    private readonly double rescaleOutputFactor;
    private readonly IAttentionBackend backend;

    /// <summary>Creates the layer.</summary>
    /// <param name="channels">Channels of the feature map (query dim = inner dim).</param>
    /// <param name="headDim">Width of one head (diffusers' <c>attention_head_dim</c>); heads = channels / headDim.</param>
    /// <param name="normGroups">GroupNorm groups, or null for no input norm.</param>
    /// <param name="eps">GroupNorm epsilon.</param>
    /// <param name="rescaleOutputFactor">The output (with residual) is divided by this.</param>
    /// <param name="backend">Computes the attention; null means <see cref="DenseAttention"/>.</param>
    public Attention(int channels, int headDim, int? normGroups, double eps, double rescaleOutputFactor = 1.0, IAttentionBackend? backend = null)
        : base(nameof(Attention))
    {
        if (headDim <= 0 || channels % headDim != 0)
        {
            throw new ArgumentException($"attention_head_dim {headDim} must divide the block's {channels} channels.", nameof(headDim));
        }

        if (normGroups is int groups)
        {
            group_norm = ChannelGroups.Create(groups, channels, eps, "group_norm");
        }

        to_q = nn.Linear(channels, channels);
        to_k = nn.Linear(channels, channels);
        to_v = nn.Linear(channels, channels);
        to_out = new ModuleList<nn.Module<Tensor, Tensor>>(nn.Linear(channels, channels), nn.Dropout(0.0));
        heads = channels / headDim;
        this.rescaleOutputFactor = rescaleOutputFactor;
        this.backend = backend ?? DenseAttention.Instance;
        RegisterComponents();
    }

    /// <summary>The backend this layer asks first.</summary>
    public IAttentionBackend Backend => backend;

    /// <inheritdoc />
    public string? LayerName { get; set; }

    /// <summary>Self-attention over <paramref name="input"/> [b, c, h, w]; returns the same shape.</summary>
    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        long batch = input.shape[0], channels = input.shape[1], height = input.shape[2], width = input.shape[3];
        var normed = group_norm is null ? input : group_norm.forward(input);
        var tokens = normed.view(batch, channels, height * width).transpose(1, 2);
        var query = SplitHeads(to_q.forward(tokens));
        var key = SplitHeads(to_k.forward(tokens));
        var value = SplitHeads(to_v.forward(tokens));
        var request = new AttentionRequest
        {
            Query = query,
            Key = key,
            Value = value,
            SpatialHeight = (int)height,
            SpatialWidth = (int)width,
            LayerName = LayerName,
        };
        var chosen = backend.Supports(request, out _) ? backend : DenseAttention.Instance;
        var attended = chosen.Compute(request);
        var merged = attended.transpose(1, 2).reshape(batch, height * width, channels);
        foreach (var layer in to_out)
        {
            merged = layer.forward(merged);
        }

        var output = merged.transpose(1, 2).reshape(batch, channels, height, width) + input;
        if (rescaleOutputFactor != 1.0)
        {
            output = output / rescaleOutputFactor;
        }

        return output.MoveToOuterDisposeScope();
    }

    private Tensor SplitHeads(Tensor x) => x.view(x.shape[0], -1, heads, x.shape[2] / heads).transpose(1, 2);
}
