using static TorchSharp.torch;

namespace Diffusion.Sdk;

/// <summary>
/// Rounds scalar coefficients to the loop dtype after every operation, because diffusers computes them as 0-d tensors
/// of the sample's dtype: with float32 loops our coefficients are then the very numbers diffusers multiplies by, and
/// 1000-step trajectories stay within 1e-6 of it instead of drifting by rounding differences.
/// </summary>
public static class Precision
{
    private static readonly Func<double, double> Single = v => (float)v;
    private static readonly Func<double, double> Double = v => v;

    /// <summary>The rounding of <paramref name="like"/>'s dtype (float32 rounds, wider types keep doubles).</summary>
    public static Func<double, double> Of(Tensor like)
    {
        ArgumentNullException.ThrowIfNull(like);
        return like.dtype == ScalarType.Float32 ? Single : Double;
    }
}
