using Diffusion.Contracts;
using static TorchSharp.torch;

namespace Diffusion.Plugins.Distillation;

/// <summary>
/// The clean-sample estimate x̂_0 from a model output with a different noise level per batch item (the SDK's
/// <c>Parameterization</c> takes one level per call). VP form, x_t = α x_0 + σ ε with α² + σ² = 1:
/// ε → (x_t − σ ε̂)/α (Ho et al. 2020, Eq. 15); v → α x_t − σ v̂ (Salimans &amp; Ho 2022, Sec. 4); x_0 → itself;
/// score → (x_t + σ² ŝ)/α. Sigma form, x = x_0 + s ε with s = σ/α (Karras et al. 2022, Table 1, VP column):
/// ε → x − s ε̂; v → x/(s² + 1) − s/sqrt(s² + 1) v̂; x_0 → itself; score → x + s·s/sqrt(s² + 1) ŝ.
/// Coefficient tensors are [batch] and broadcast over the sample.
/// </summary>
public static class VectorParameterisation
{
    /// <summary>x̂_0 for VP input <paramref name="sample"/> with per-item α, σ [batch].</summary>
    public static Tensor DenoisedVp(PredictionType prediction, Tensor output, Tensor sample, Tensor alpha, Tensor sigma)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(sample);
        using var scope = NewDisposeScope();
        var a = Broadcast(alpha, sample);
        var s = Broadcast(sigma, sample);
        var result = prediction switch
        {
            PredictionType.Epsilon => (sample - (s * output)) / a,
            PredictionType.VPrediction => (a * sample) - (s * output),
            PredictionType.Sample => output.alias(),
            PredictionType.Score => (sample + (s.square() * output)) / a,
            _ => throw Unsupported(prediction),
        };
        return result.MoveToOuterDisposeScope();
    }

    /// <summary>x̂_0 (= D(x; s)) for sigma-space <paramref name="x"/> at per-item noise levels s [batch], from the network's output on x/sqrt(s² + 1).</summary>
    public static Tensor DenoisedAtSigma(PredictionType prediction, Tensor output, Tensor x, Tensor sigma)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(x);
        using var scope = NewDisposeScope();
        var s = Broadcast(sigma, x);
        var norm = (s.square() + 1).sqrt();
        var result = prediction switch
        {
            PredictionType.Epsilon => x - (s * output),
            PredictionType.VPrediction => (x / s.square().add(1)) - (s / norm * output),
            PredictionType.Sample => output.alias(),
            PredictionType.Score => x + (s * s / norm * output),
            _ => throw Unsupported(prediction),
        };
        return result.MoveToOuterDisposeScope();
    }

    /// <summary>[batch] coefficients reshaped to broadcast over <paramref name="like"/>, in its dtype and device.</summary>
    public static Tensor Broadcast(Tensor coefficient, Tensor like)
    {
        ArgumentNullException.ThrowIfNull(coefficient);
        ArgumentNullException.ThrowIfNull(like);
        var shape = new long[like.dim()];
        Array.Fill(shape, 1L);
        shape[0] = coefficient.numel() == 1 ? 1 : coefficient.shape[0];
        return coefficient.to(like.dtype, like.device).reshape(shape);
    }

    private static NotSupportedException Unsupported(PredictionType prediction) =>
        new($"prediction type {ComponentTraits.Name(prediction)} has no conversion to x0; use a denoiser predicting epsilon, v_prediction, sample or score.");
}
