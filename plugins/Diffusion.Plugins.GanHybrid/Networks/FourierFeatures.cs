using static TorchSharp.torch;

namespace Diffusion.Plugins.GanHybrid;

/// <summary>
/// The positional encoding γ(x) = [x, sin(2⁰πx), cos(2⁰πx), ..., sin(2^{L−1}πx), cos(2^{L−1}πx)] of each coordinate
/// (Mildenhall et al. 2020, NeRF, Eq. 4): an MLP on low-dimensional coordinates learns high-frequency functions far
/// faster from these features (Tancik et al. 2020, "Fourier features let networks learn high frequency functions in low
/// dimensional domains"), which is what sharp 2-D modes ask of a generator and a discriminator. No parameters.
/// </summary>
public static class FourierFeatures
{
    /// <summary>Width of γ(x) for <paramref name="dim"/> coordinates and <paramref name="frequencies"/> octaves.</summary>
    public static int Width(int dim, int frequencies) => dim * (1 + (2 * frequencies));

    /// <summary>γ(x) for points [batch, d]; x itself when <paramref name="frequencies"/> is 0.</summary>
    public static Tensor Encode(Tensor x, int frequencies)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (frequencies == 0)
        {
            return x.alias();
        }

        using var scope = NewDisposeScope();
        var parts = new List<Tensor> { x };
        for (int k = 0; k < frequencies; k++)
        {
            var angle = x * (Math.PI * (1 << k));
            parts.Add(angle.sin());
            parts.Add(angle.cos());
        }

        return cat(parts, 1).MoveToOuterDisposeScope();
    }
}
