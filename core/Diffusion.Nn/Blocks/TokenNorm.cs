using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Diffusion.Nn;

/// <summary>LayerNorm construction shared by the transformer and text blocks.</summary>
internal static class TokenNorm
{
    /// <summary>
    /// An affine LayerNorm (Ba et al. 2016) over the last dimension with γ = 1, β = 0 as PyTorch initialises it; set
    /// explicitly, as for GroupNorm (see <see cref="ChannelGroups.Create"/>), so fresh networks hold no uninitialised values.
    /// </summary>
    public static LayerNorm Create(int dim, double eps)
    {
        var norm = nn.LayerNorm(dim, eps, elementwise_affine: true);
        using (no_grad())
        {
            norm.weight!.fill_(1.0);
            norm.bias!.zero_();
        }

        return norm;
    }
}
