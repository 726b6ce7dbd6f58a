using Diffusion.Contracts;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Sdk;

/// <summary>
/// Turns a model output into the clean-sample estimate x̂_0 and the noise estimate ε̂ for every
/// <see cref="PredictionType"/>, on a VP marginal x_t = sqrt(ᾱ) x_0 + sqrt(1 − ᾱ) ε. One place for these formulas, so a
/// sampler never switches on the prediction type itself. Coefficients are rounded as diffusers rounds them
/// (<see cref="Precision"/>).
/// </summary>
public static class Parameterization
{
    /// <summary>The prediction type in effect: the sampler's override, else what the denoiser declares.</summary>
    public static PredictionType Resolve(PredictionType? option, IDenoiser denoiser)
    {
        ArgumentNullException.ThrowIfNull(denoiser);
        return option ?? denoiser.Info.Prediction;
    }

    /// <summary>
    /// x̂_0 from a model output at ᾱ_t: ε → (x_t − sqrt(1 − ᾱ_t) ε̂)/sqrt(ᾱ_t) (Ho et al. 2020, Eq. 15);
    /// v → sqrt(ᾱ_t) x_t − sqrt(1 − ᾱ_t) v̂ (Salimans &amp; Ho 2022, Sec. 4); x_0 → itself;
    /// score → (x_t + (1 − ᾱ_t) ŝ)/sqrt(ᾱ_t) (Tweedie's formula, ε = −sqrt(1 − ᾱ) ∇ log p).
    /// </summary>
    public static Tensor Denoised(PredictionType prediction, Tensor modelOutput, Tensor sample, double alphaProdT)
    {
        ArgumentNullException.ThrowIfNull(modelOutput);
        ArgumentNullException.ThrowIfNull(sample);
        var r = Precision.Of(sample);
        double sqrtAlpha = r(Math.Sqrt(alphaProdT)), sqrtBeta = r(Math.Sqrt(r(1 - alphaProdT)));
        return prediction switch
        {
            PredictionType.Epsilon => (sample - sqrtBeta * modelOutput) / sqrtAlpha,
            PredictionType.VPrediction => sqrtAlpha * sample - sqrtBeta * modelOutput,
            PredictionType.Sample => modelOutput.alias(),
            PredictionType.Score => (sample + r(1 - alphaProdT) * modelOutput) / sqrtAlpha,
            _ => throw Unsupported(prediction),
        };
    }

    /// <summary>ε̂ given the model output and x̂_0: ε passes through, v → sqrt(ᾱ) v̂ + sqrt(1 − ᾱ) x_t, else (x_t − sqrt(ᾱ) x̂_0)/sqrt(1 − ᾱ) (DDIM, Eq. 12 rearranged).</summary>
    public static Tensor Epsilon(PredictionType prediction, Tensor modelOutput, Tensor sample, Tensor denoised, double alphaProdT)
    {
        ArgumentNullException.ThrowIfNull(modelOutput);
        ArgumentNullException.ThrowIfNull(sample);
        ArgumentNullException.ThrowIfNull(denoised);
        var r = Precision.Of(sample);
        double sqrtAlpha = r(Math.Sqrt(alphaProdT)), sqrtBeta = r(Math.Sqrt(r(1 - alphaProdT)));
        return prediction switch
        {
            PredictionType.Epsilon => modelOutput.alias(),
            PredictionType.VPrediction => sqrtAlpha * modelOutput + sqrtBeta * sample,
            _ => (sample - sqrtAlpha * denoised) / sqrtBeta,
        };
    }

    /// <summary>
    /// x̂_0 in sigma space (Karras et al. 2022, Table 1, VP column; k-diffusion's <c>external.py</c>): with
    /// x = x_VP sqrt(σ² + 1), ε → x − σ̂ ε̂ (σ̂ is σ raised by churn), v → −σ/sqrt(σ²+1) v̂ + x/(σ²+1), x_0 → itself,
    /// score of the VP input → x + σ̂ σ_VP ŝ with σ_VP = σ/sqrt(σ² + 1) (since ε = −σ_VP ŝ).
    /// </summary>
    public static Tensor DenoisedAtSigma(PredictionType prediction, Tensor modelOutput, Tensor x, double sigma, double sigmaHat)
    {
        ArgumentNullException.ThrowIfNull(modelOutput);
        ArgumentNullException.ThrowIfNull(x);
        var r = Precision.Of(x);
        return prediction switch
        {
            PredictionType.Epsilon => x - sigmaHat * modelOutput,
            PredictionType.VPrediction => modelOutput * r(-sigma / r(Math.Sqrt(r(r(sigma * sigma) + 1)))) + x / r(r(sigma * sigma) + 1),
            PredictionType.Sample => modelOutput.alias(),
            PredictionType.Score => x + r(sigmaHat * r(sigma / r(Math.Sqrt(r(r(sigma * sigma) + 1))))) * modelOutput,
            _ => throw Unsupported(prediction),
        };
    }

    /// <summary>Dynamic thresholding (Saharia et al. 2022, Sec. 2.3) or plain clipping of x̂_0, as configured.</summary>
    public static Tensor Limit(Tensor denoised, bool thresholding, double ratio, double maxValue, bool clip, double clipRange)
    {
        ArgumentNullException.ThrowIfNull(denoised);
        if (thresholding)
        {
            var flat = denoised.reshape(denoised.shape[0], -1);
            var s = torch.quantile(flat.abs(), ratio, dim: 1, keepdim: true).clamp(1.0, maxValue);
            return (torch.minimum(torch.maximum(flat, -s), s) / s).reshape(denoised.shape);
        }

        return clip ? denoised.clamp(-clipRange, clipRange) : denoised;
    }

    private static NotSupportedException Unsupported(PredictionType prediction) =>
        new($"prediction type {ComponentTraits.Name(prediction)} has no conversion to x0 here; the denoiser should predict epsilon, v_prediction, sample or score.");
}
