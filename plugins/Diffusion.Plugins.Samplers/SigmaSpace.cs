using Diffusion.Contracts;
using Diffusion.Plugins.Shared;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Plugins.Samplers;

/// <summary>
/// k-diffusion's view of a discrete VP model (Karras et al. 2022, Table 1): x = x_VP · sqrt(σ² + 1), the network
/// input is c_in(σ) x with c_in = 1/sqrt(σ² + 1), and D(x; σ) is the denoised estimate. Shared by the Euler-family
/// samplers, which then only differ in how they step between noise levels.
/// </summary>
internal static class SigmaSpace
{
    /// <summary>D(x; σ): the denoised sample from one (guided) model call at noise level σ and timestep t.</summary>
    public static Tensor Denoise(SamplingRequest request, PredictionType prediction, Tensor x, double sigma, double timestep)
    {
        var modelOutput = Call(request, ScaleInput(x, sigma), sigma, timestep);
        return FromOutput(prediction, modelOutput, x, sigma, sigma);
    }

    /// <summary>c_in(σ) x = x/sqrt(σ² + 1) (Karras et al. 2022, Table 1, VP column): the network input at noise level σ.</summary>
    public static Tensor ScaleInput(Tensor x, double sigma)
    {
        var r = Precision.Of(x);
        // diffusers' scale_model_input divides by sqrt(σ² + 1); multiplying by its reciprocal rounds differently.
        return x / r(Math.Sqrt(r(r(sigma * sigma) + 1)));
    }

    /// <summary>The model output for an already scaled input.</summary>
    public static Tensor Call(SamplingRequest request, Tensor input, double sigma, double timestep)
    {
        double time = request.Denoiser.Info.TimeInput == TimeInput.Sigma ? sigma : timestep;
        return request.Predict(input, SamplerTensors.Time(request, time)).to(input.dtype);
    }

    /// <summary>
    /// x̂_0 from a model output: ε → x − σ̂ ε (σ̂ is σ raised by churn), v → −σ/sqrt(σ²+1) v + x/(σ²+1)
    /// (Salimans &amp; Ho 2022 in sigma space), sample → itself.
    /// </summary>
    public static Tensor FromOutput(PredictionType prediction, Tensor modelOutput, Tensor x, double sigma, double sigmaHat)
    {
        var r = Precision.Of(x);
        return prediction switch
        {
            PredictionType.Epsilon => x - sigmaHat * modelOutput,
            PredictionType.VPrediction => modelOutput * r(-sigma / r(Math.Sqrt(r(r(sigma * sigma) + 1)))) + x / r(r(sigma * sigma) + 1),
            PredictionType.Sample => modelOutput.alias(),
            _ => throw new NotSupportedException($"sigma-space samplers cannot use a denoiser that predicts {prediction}; use epsilon, v_prediction or sample."),
        };
    }

    /// <summary>The initial noise scale: σ_max, or sqrt(σ_max² + 1) for diffusers' leading-spaced Euler-family schedulers.</summary>
    public static double InitNoiseSigma(IReadOnlyList<double> sigmas, string rule)
    {
        double max = sigmas.Max();
        return rule switch
        {
            "sigma_max" => max,
            // (σ_max² + 1) ** 0.5 on a float32 tensor: rounded after each operation.
            "unit_variance" => (float)Math.Sqrt((float)((float)(max * max) + 1)),
            _ => throw new ArgumentException($"init_noise_sigma '{rule}' is unknown; use sigma_max or unit_variance."),
        };
    }
}
