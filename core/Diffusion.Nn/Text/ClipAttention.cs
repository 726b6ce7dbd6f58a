using Diffusion.Contracts;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Diffusion.Nn;

/// <summary>
/// CLIP's causal multi-head self-attention over text tokens (Radford et al. 2021, built on Vaswani et al. 2017, Eq. 1;
/// each token attends to itself and earlier tokens) with transformers' <c>CLIPAttention</c> parameter names: q_proj,
/// k_proj, v_proj, out_proj. The product runs in the <see cref="IAttentionBackend"/> as a causal request.
/// </summary>
public sealed class ClipAttention : nn.Module, IAttentionLayer
{
    private readonly Linear q_proj;
    private readonly Linear k_proj;
    private readonly Linear v_proj;
    private readonly Linear out_proj;
    private readonly int heads;
    private readonly IAttentionBackend backend;

    /// <summary>Creates the layer for tokens of width <paramref name="dim"/> split into <paramref name="heads"/> heads.</summary>
    public ClipAttention(int dim, int heads, IAttentionBackend? backend)
        : base(nameof(ClipAttention))
    {
        q_proj = nn.Linear(dim, dim);
        k_proj = nn.Linear(dim, dim);
        v_proj = nn.Linear(dim, dim);
        out_proj = nn.Linear(dim, dim);
        this.heads = heads;
        this.backend = backend ?? DenseAttention.Instance;
        RegisterComponents();
    }

    /// <inheritdoc />
    public string? LayerName { get; set; }

    /// <summary>Attends <paramref name="hidden"/> [b, n, d] causally; <paramref name="mask"/> (boolean, true = attend, broadcastable to [b, h, n, n]) also hides padding.</summary>
    public Tensor Forward(Tensor hidden, Tensor? mask)
    {
        ArgumentNullException.ThrowIfNull(hidden);
        using var scope = NewDisposeScope();
        var request = new AttentionRequest
        {
            Query = SplitHeads(q_proj.forward(hidden)),
            Key = SplitHeads(k_proj.forward(hidden)),
            Value = SplitHeads(v_proj.forward(hidden)),
            Mask = mask,
            IsCausal = true,
            LayerName = LayerName,
        };
        var chosen = backend.Supports(request, out _) ? backend : DenseAttention.Instance;
        var merged = chosen.Compute(request).transpose(1, 2).reshape(hidden.shape[0], hidden.shape[1], -1);
        return out_proj.forward(merged).MoveToOuterDisposeScope();
    }

    private Tensor SplitHeads(Tensor x) => x.view(x.shape[0], x.shape[1], heads, -1).transpose(1, 2);
}
