using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Diffusion.Nn;

/// <summary>
/// The gated GELU unit (Shazeer 2020, "GLU variants improve transformer", Eq. 5): [h, g] = proj(x), out = h · GELU(g),
/// with the exact (erf) GELU. diffusers' <c>GEGLU</c> (parameter <c>proj</c>).
/// </summary>
public sealed class Geglu : nn.Module<Tensor, Tensor>
{
    private readonly Linear proj;

    /// <summary>Creates the unit from <paramref name="inDim"/> to <paramref name="outDim"/> (proj has 2 × outDim rows).</summary>
    public Geglu(int inDim, int outDim)
        : base(nameof(Geglu))
    {
        proj = nn.Linear(inDim, 2 * outDim);
        RegisterComponents();
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var halves = proj.forward(input).chunk(2, -1);
        return (halves[0] * nn.functional.gelu(halves[1])).MoveToOuterDisposeScope();
    }
}
