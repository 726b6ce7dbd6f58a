using Diffusion.Contracts;
using Diffusion.Sdk;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Plugins.Samplers;

/// <summary>
/// Euler steps of the probability-flow ODE dx/dσ = (x − D(x; σ))/σ (Karras et al. 2022, Algorithm 2 without the Heun
/// correction), with optional churn; diffusers' <c>EulerDiscreteScheduler</c>.
/// </summary>
public sealed class EulerSampler : ISampler
{
    private readonly EulerSamplerOptions options;

    /// <summary>Creates the sampler.</summary>
    public EulerSampler(EulerSamplerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        this.options = options;
        Info = new SamplerInfo("euler", Stochastic: options.SChurn > 0) { Needs = ScheduleFeatures.Sigmas };
    }

    /// <inheritdoc />
    public SamplerInfo Info { get; }

    /// <inheritdoc />
    public SamplingResult Sample(SamplingRequest request)
    {
        var model = SigmaDenoiser.For(request, options.PredictionType, Info);
        var (sigmas, timesteps) = (model.Sigmas, request.Schedule.Timesteps);
        var x = model.Initial(options.InitNoiseSigma);
        for (int i = 0; i < timesteps.Count; i++)
        {
            request.CancellationToken.ThrowIfCancellationRequested();
            using var scope = NewDisposeScope();
            var r = Precision.Of(x);
            double sigma = sigmas[i];
            // Churn over the whole run: its step count is the full schedule's, so a slice churns as the whole run would.
            double gamma = options.STmin <= sigma && sigma <= options.STmax ? Math.Min(options.SChurn / request.Schedule.TotalSteps, Math.Sqrt(2) - 1) : 0.0;
            double sigmaHat = r(sigma * (gamma + 1));
            double time = options.TimestepType == EulerTimestepType.Continuous ? r(0.25 * r(Math.Log(sigma))) : timesteps[i];
            // diffusers evaluates the model on x before the churn noise and converts with σ̂ after it.
            var output = model.Output(x, sigma, time);
            var current = gamma > 0 ? x + SamplerTensors.Noise(request) * options.SNoise * r(Math.Sqrt(r(sigmaHat * sigmaHat - sigma * sigma))) : x;
            var denoised = model.ToDenoised(output, current, sigma, sigmaHat);
            // Karras et al. 2022, Algorithm 2, lines 7–8: d = (x − D)/σ̂, x' = x + (σ_{i+1} − σ̂) d.
            var d = (current - denoised) / sigmaHat;
            var next = (current + d * r(sigmas[i + 1] - sigmaHat)).MoveToOuterDisposeScope();
            request.OnStep?.Invoke(new SamplerStep(i, timesteps.Count, time, next, denoised));
            SamplerTensors.Replace(ref x, next);
        }

        return model.Result(x, timesteps.Count);
    }
}
