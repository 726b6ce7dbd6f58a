using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Diffusion.Nn;

/// <summary>CLIP's feed-forward block: fc1 → activation (<c>hidden_act</c>) → fc2 (transformers' <c>CLIPMLP</c>).</summary>
public sealed class ClipMlp : nn.Module<Tensor, Tensor>
{
    private readonly Linear fc1;
    private readonly Linear fc2;
    private readonly string activation;

    /// <summary>Creates the block.</summary>
    public ClipMlp(int dim, int hiddenDim, string activation)
        : base(nameof(ClipMlp))
    {
        fc1 = nn.Linear(dim, hiddenDim);
        fc2 = nn.Linear(hiddenDim, dim);
        this.activation = activation;
        RegisterComponents();
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        return fc2.forward(ClipActivation.Apply(activation, fc1.forward(input))).MoveToOuterDisposeScope();
    }
}
