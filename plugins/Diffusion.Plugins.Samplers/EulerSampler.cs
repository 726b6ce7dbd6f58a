using Diffusion.Contracts;
using Diffusion.Plugins.Shared;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Plugins.Samplers;

/// <summary>
/// Euler steps of the probability-flow ODE dx/dσ = (x − D(x; σ))/σ (Karras et al. 2022, Algorithm 2, without the
/// Heun correction), with optional churn; diffusers' <c>EulerDiscreteScheduler</c>.
/// </summary>
public sealed class EulerSampler : ISampler
{
    private readonly EulerSamplerOptions options;

    /// <summary>Creates the sampler.</summary>
    public EulerSampler(EulerSamplerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        this.options = options;
        Info = new SamplerInfo("euler", Stochastic: options.SChurn > 0);
    }

    /// <inheritdoc />
    public SamplerInfo Info { get; }

    /// <inheritdoc />
    public SamplingResult Sample(SamplingRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var prediction = PredictedOriginal.Resolve(options.PredictionType, request.Denoiser);
        var schedule = request.Scheduler.CreateInferenceSchedule(request.Steps);
        var (timesteps, sigmas) = (schedule.Timesteps, schedule.Sigmas);
        var x = SamplerTensors.Initial(request, SigmaSpace.InitNoiseSigma(sigmas, options.InitNoiseSigma));
        for (int i = 0; i < timesteps.Count; i++)
        {
            request.CancellationToken.ThrowIfCancellationRequested();
            using var scope = NewDisposeScope();
            var r = Precision.Of(x);
            double sigma = sigmas[i];
            double gamma = options.STmin <= sigma && sigma <= options.STmax ? Math.Min(options.SChurn / (sigmas.Count - 1), Math.Sqrt(2) - 1) : 0.0;
            double sigmaHat = r(sigma * (gamma + 1));
            // timestep_type continuous (diffusers, v-prediction only): the model sees 0.25 log σ instead of t.
            double time = options.TimestepType == "continuous" ? r(0.25 * r(Math.Log(sigma))) : timesteps[i];
            var modelOutput = SigmaSpace.Call(request, SigmaSpace.ScaleInput(x, sigma), sigma, time);
            var current = x;
            if (gamma > 0)
            {
                current = x + SamplerTensors.Noise(request) * options.SNoise * r(Math.Sqrt(r(sigmaHat * sigmaHat - sigma * sigma)));
            }

            var denoised = SigmaSpace.FromOutput(prediction, modelOutput, current, sigma, sigmaHat);
            // Karras et al. 2022, Algorithm 2, line 7–8: d = (x − D)/σ̂, x' = x + (σ_{i+1} − σ̂) d.
            var derivative = (current - denoised) / sigmaHat;
            var next = (current + derivative * r(sigmas[i + 1] - sigmaHat)).MoveToOuterDisposeScope();
            request.OnStep?.Invoke(new SamplerStep(i, timesteps.Count, time, next, denoised));
            SamplerTensors.Replace(ref x, next);
        }

        return new SamplingResult(x, timesteps.Count, timesteps.Count);
    }
}
