using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Diffusion.Plugins.GanHybrid;

/// <summary>
/// Adaptive group normalisation: GN(h)·(1 + γ(w)) + β(w) with [γ, β] = style(w) from the latent code w (the DDGAN
/// generator's AdaGN, after StyleGAN's AdaIN, Karras et al. 2019). The style layer starts at zero, so the block starts
/// as plain group norm.
/// </summary>
public sealed class AdaptiveGroupNorm : nn.Module<Tensor, Tensor, Tensor>
{
#pragma warning disable IDE1006, SA1300 // field names are the checkpoint's keys
    private readonly Linear style;
#pragma warning restore IDE1006, SA1300
    private readonly long groups;

    /// <summary>Creates the norm for <paramref name="channels"/> channels and a code of width <paramref name="codeDim"/>.</summary>
    public AdaptiveGroupNorm(long channels, long codeDim)
        : base(nameof(AdaptiveGroupNorm))
    {
        groups = GreatestCommonDivisor(channels, 8);
        style = nn.Linear(codeDim, 2 * channels);
        RegisterComponents();
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor input, Tensor code)
    {
        using var scope = NewDisposeScope();
        var gammaBeta = style.forward(code).unsqueeze(-1).unsqueeze(-1).chunk(2, 1);
        var normalised = nn.functional.group_norm(input, groups);
        return ((normalised * (1 + gammaBeta[0])) + gammaBeta[1]).MoveToOuterDisposeScope();
    }

    private static long GreatestCommonDivisor(long a, long b) => b == 0 ? a : GreatestCommonDivisor(b, a % b);
}
