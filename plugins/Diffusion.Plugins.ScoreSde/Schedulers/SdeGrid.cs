using TorchSharp;

namespace Diffusion.Plugins.ScoreSde;

/// <summary>
/// The time grid of score-SDE samplers: t_i = linspace(T, ε, N) (Song et al. 2021, Appendix G; the reference code's
/// <c>torch.linspace(sde.T, eps, sde.N)</c>) and the level i = ⌊t (N−1)/T⌋ a time falls on. Both are computed in float32
/// exactly as the reference code and diffusers do, because the truncation picks the discrete level.
/// </summary>
internal static class SdeGrid
{
    /// <summary>N times from <paramref name="end"/> down to <paramref name="epsilon"/>, rounded through float32.</summary>
    public static double[] Times(double end, double epsilon, int steps)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(steps);
        using var scope = torch.NewDisposeScope();
        var times = torch.linspace(end, epsilon, steps, torch.ScalarType.Float32);
        return times.to_type(torch.ScalarType.Float64).data<double>().ToArray();
    }

    /// <summary>The discrete level of <paramref name="t"/> among <paramref name="levels"/> levels: ⌊float32(t) · (N−1)⌋.</summary>
    public static int Level(double t, double end, int levels)
    {
        float scaled = (float)t * (levels - 1) / (float)end;
        return Math.Clamp((int)scaled, 0, levels - 1);
    }

    /// <summary>[batch] float64 filled with <paramref name="value"/> on <paramref name="device"/>.</summary>
    public static torch.Tensor Filled(long batch, double value, torch.Device device) =>
        torch.full([batch], value, torch.ScalarType.Float64, device);

    /// <summary>A scalar time as a [batch] float64 tensor for <c>Marginal</c>/<c>Sde</c> calls.</summary>
    public static torch.Tensor TimeLike(torch.Tensor x, double t) => Filled(x.shape[0], t, x.device);
}
