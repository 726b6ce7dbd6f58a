using Diffusion.Contracts;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Plugins.Shared;

/// <summary>x̂_0 from a model output, and the clipping/thresholding diffusers applies to it.</summary>
internal static class PredictedOriginal
{
    public static PredictionType Resolve(string option, IDenoiser denoiser) => option switch
    {
        "auto" => denoiser.Info.Prediction,
        "epsilon" => PredictionType.Epsilon,
        "v_prediction" => PredictionType.VPrediction,
        "sample" => PredictionType.Sample,
        _ => throw new ArgumentException($"prediction_type '{option}' is unknown; use auto, epsilon, v_prediction or sample."),
    };

    /// <summary>
    /// x̂_0 = (x_t − sqrt(1 − ᾱ_t) ε̂)/sqrt(ᾱ_t) (Ho et al. 2020, Eq. 15); for v: x̂_0 = sqrt(ᾱ_t) x_t − sqrt(1 − ᾱ_t) v̂
    /// (Salimans &amp; Ho 2022, Sec. 4).
    /// </summary>
    public static Tensor From(PredictionType prediction, Tensor modelOutput, Tensor sample, double alphaProdT, string samplerName)
    {
        var r = Precision.Of(sample);
        double sqrtAlpha = r(Math.Sqrt(alphaProdT)), sqrtBeta = r(Math.Sqrt(r(1 - alphaProdT)));
        return prediction switch
        {
            PredictionType.Epsilon => (sample - sqrtBeta * modelOutput) / sqrtAlpha,
            PredictionType.VPrediction => sqrtAlpha * sample - sqrtBeta * modelOutput,
            PredictionType.Sample => modelOutput.alias(),
            _ => throw new NotSupportedException($"{samplerName} cannot use a denoiser that predicts {prediction}; use epsilon, v_prediction or sample."),
        };
    }

    /// <summary>ε̂ from x̂_0: (x_t − sqrt(ᾱ_t) x̂_0)/sqrt(1 − ᾱ_t) (Song et al. 2021, DDIM, Eq. 12 rearranged).</summary>
    public static Tensor Epsilon(PredictionType prediction, Tensor modelOutput, Tensor sample, Tensor x0, double alphaProdT)
    {
        var r = Precision.Of(sample);
        double sqrtAlpha = r(Math.Sqrt(alphaProdT)), sqrtBeta = r(Math.Sqrt(r(1 - alphaProdT)));
        return prediction switch
        {
            PredictionType.Epsilon => modelOutput.alias(),
            PredictionType.VPrediction => sqrtAlpha * modelOutput + sqrtBeta * sample,
            _ => (sample - sqrtAlpha * x0) / sqrtBeta,
        };
    }

    /// <summary>Dynamic thresholding (Saharia et al. 2022, Sec. 2.3) or plain clipping, as configured.</summary>
    public static Tensor Limit(Tensor x0, bool thresholding, double ratio, double maxValue, bool clip, double clipRange)
    {
        if (thresholding)
        {
            var flat = x0.reshape(x0.shape[0], -1);
            var s = torch.quantile(flat.abs(), ratio, dim: 1, keepdim: true).clamp(1.0, maxValue);
            return (torch.minimum(torch.maximum(flat, -s), s) / s).reshape(x0.shape);
        }

        return clip ? x0.clamp(-clipRange, clipRange) : x0;
    }
}
