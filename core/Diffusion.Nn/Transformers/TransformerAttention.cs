using Diffusion.Contracts;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Diffusion.Nn;

/// <summary>
/// Multi-head attention over token sequences (Vaswani et al. 2017, Eq. 1 and §3.2.2) with diffusers' <c>Attention</c>
/// parameter names as used in transformer blocks: to_q, to_k, to_v (bias optional, <c>attention_bias</c>) and
/// to_out.0 (with bias). Self-attention when no context is given; cross-attention (keys and values from the text
/// encoder's tokens, Rombach et al. 2022, Eq. 3) when a context is passed. The softmax(q kᵀ/sqrt(d)) v product runs
/// in the <see cref="IAttentionBackend"/>; dense attention runs where it declines.
/// </summary>
public sealed class TransformerAttention : nn.Module, IAttentionLayer
{
    private readonly Linear to_q;
    private readonly Linear to_k;
    private readonly Linear to_v;
    private readonly ModuleList<nn.Module<Tensor, Tensor>> to_out;
    private readonly int heads;
    private readonly bool upcast;
    private readonly IAttentionBackend backend;

    /// <summary>Creates the layer.</summary>
    /// <param name="queryDim">Width of the query tokens (and of the output).</param>
    /// <param name="contextDim">Width of the context tokens for cross-attention, or null for self-attention.</param>
    /// <param name="heads">Number of heads.</param>
    /// <param name="headDim">Width of one head; the inner width is heads × headDim.</param>
    /// <param name="bias">Whether to_q/to_k/to_v have a bias (diffusers' <c>attention_bias</c>).</param>
    /// <param name="upcast">Compute the product in float32 for half-precision inputs (diffusers' <c>upcast_attention</c>).</param>
    /// <param name="backend">Computes the attention; null means <see cref="DenseAttention"/>.</param>
    public TransformerAttention(int queryDim, int? contextDim, int heads, int headDim, bool bias, bool upcast, IAttentionBackend? backend)
        : base(nameof(TransformerAttention))
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(heads);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(headDim);
        int inner = heads * headDim;
        to_q = nn.Linear(queryDim, inner, hasBias: bias);
        to_k = nn.Linear(contextDim ?? queryDim, inner, hasBias: bias);
        to_v = nn.Linear(contextDim ?? queryDim, inner, hasBias: bias);
        to_out = new ModuleList<nn.Module<Tensor, Tensor>>(nn.Linear(inner, queryDim), nn.Dropout(0.0));
        this.heads = heads;
        this.upcast = upcast;
        IsCrossAttention = contextDim is not null;
        this.backend = backend ?? DenseAttention.Instance;
        RegisterComponents();
    }

    /// <summary>Whether keys and values come from a context sequence.</summary>
    public bool IsCrossAttention { get; }

    /// <summary>The backend this layer asks first.</summary>
    public IAttentionBackend Backend => backend;

    /// <inheritdoc />
    public string? LayerName { get; set; }

    /// <summary>
    /// Attends <paramref name="hidden"/> [b, n, c] to itself, or to <paramref name="context"/> [b, m, c'] for
    /// cross-attention. <paramref name="spatialHeight"/>/<paramref name="spatialWidth"/> say how the n query tokens
    /// tile the feature map (passed to the backend for self-attention). Returns [b, n, c].
    /// </summary>
    public Tensor Forward(Tensor hidden, Tensor? context, int? spatialHeight = null, int? spatialWidth = null)
    {
        ArgumentNullException.ThrowIfNull(hidden);
        if (IsCrossAttention && context is null)
        {
            throw new ArgumentException($"Cross-attention layer {LayerName ?? "(unnamed)"} needs encoder hidden states (the text conditioning).", nameof(context));
        }

        using var scope = NewDisposeScope();
        var source = IsCrossAttention ? context! : hidden;
        var query = SplitHeads(to_q.forward(hidden));
        var key = SplitHeads(to_k.forward(source));
        var value = SplitHeads(to_v.forward(source));
        var inputType = query.dtype;
        if (upcast && inputType is ScalarType.Float16 or ScalarType.BFloat16)
        {
            query = query.to(ScalarType.Float32);
            key = key.to(ScalarType.Float32);
            value = value.to(ScalarType.Float32);
        }

        var request = new AttentionRequest
        {
            Query = query,
            Key = key,
            Value = value,
            IsCrossAttention = IsCrossAttention,
            SpatialHeight = IsCrossAttention ? null : spatialHeight,
            SpatialWidth = IsCrossAttention ? null : spatialWidth,
            LayerName = LayerName,
        };
        var chosen = backend.Supports(request, out _) ? backend : DenseAttention.Instance;
        var attended = chosen.Compute(request).to(inputType);
        var merged = attended.transpose(1, 2).reshape(hidden.shape[0], hidden.shape[1], -1);
        foreach (var layer in to_out)
        {
            merged = layer.forward(merged);
        }

        return merged.MoveToOuterDisposeScope();
    }

    private Tensor SplitHeads(Tensor x) => x.view(x.shape[0], x.shape[1], heads, -1).transpose(1, 2);
}
