using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Diffusion.Nn;

/// <summary>GroupNorm construction shared by every block.</summary>
internal static class ChannelGroups
{
    /// <summary>Checks settings up front, so a bad config names the layer instead of failing inside libtorch.</summary>
    public static void Check(int channels, int groups, string layer)
    {
        if (groups <= 0 || channels % groups != 0)
        {
            throw new ArgumentException(
                $"GroupNorm '{layer}' cannot split {channels} channels into {groups} groups: norm_num_groups must divide every block's channel count.");
        }
    }

    /// <summary>
    /// An affine GroupNorm (Wu &amp; He 2018) with γ = 1, β = 0 as PyTorch initialises it. TorchSharp 0.107 leaves the
    /// affine parameters uninitialised (seen as NaN in fresh networks), so they are set here explicitly.
    /// </summary>
    public static GroupNorm Create(int groups, int channels, double eps, string layer)
    {
        Check(channels, groups, layer);
        var norm = nn.GroupNorm(groups, channels, eps, affine: true);
        using (no_grad())
        {
            norm.weight!.fill_(1.0);
            norm.bias!.zero_();
        }

        return norm;
    }
}
