using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Diffusion.Nn;

/// <summary>
/// The feed-forward part of a Stable Diffusion transformer block: GEGLU to 4 × dim, dropout, linear back to dim
/// (diffusers' <c>FeedForward</c> with <c>activation_fn="geglu"</c>; parameters net.0.proj and net.2).
/// </summary>
public sealed class GegluFeedForward : nn.Module<Tensor, Tensor>
{
    private readonly ModuleList<nn.Module<Tensor, Tensor>> net;

    /// <summary>Creates the block for tokens of width <paramref name="dim"/> with hidden width <paramref name="innerDim"/>.</summary>
    public GegluFeedForward(int dim, int innerDim)
        : base(nameof(GegluFeedForward))
    {
        net = new ModuleList<nn.Module<Tensor, Tensor>>(new Geglu(dim, innerDim), nn.Dropout(0.0), nn.Linear(innerDim, dim));
        RegisterComponents();
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var h = input;
        foreach (var layer in net)
        {
            h = layer.forward(h);
        }

        return h.MoveToOuterDisposeScope();
    }
}
