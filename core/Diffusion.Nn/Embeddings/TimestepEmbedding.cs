using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Diffusion.Nn;

/// <summary>
/// The time MLP of DDPM's UNet (Ho et al. 2020, appendix B): linear_1 → SiLU → linear_2, with diffusers'
/// <c>TimestepEmbedding</c> parameter names.
/// </summary>
public sealed class TimestepEmbedding : nn.Module<Tensor, Tensor>
{
    private readonly Linear linear_1;
    private readonly Linear linear_2;

    /// <summary>Creates the MLP from <paramref name="inChannels"/> to <paramref name="timeEmbedDim"/>.</summary>
    public TimestepEmbedding(int inChannels, int timeEmbedDim)
        : base(nameof(TimestepEmbedding))
    {
        linear_1 = nn.Linear(inChannels, timeEmbedDim);
        linear_2 = nn.Linear(timeEmbedDim, timeEmbedDim);
        RegisterComponents();
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor sample)
    {
        using var scope = NewDisposeScope();
        return linear_2.forward(nn.functional.silu(linear_1.forward(sample))).MoveToOuterDisposeScope();
    }
}
