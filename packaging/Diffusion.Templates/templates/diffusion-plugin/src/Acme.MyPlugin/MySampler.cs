using Diffusion.Contracts;
using Diffusion.Sdk;
using static TorchSharp.torch;

namespace Acme.MyPlugin;

/// <summary>
/// An example sampler: Euler steps of the probability-flow ODE dx/dσ = (x − D(x; σ))/σ (Karras et al. 2022, Algorithm 2)
/// on the SDK's model wrapper D(x; σ). Replace the loop body with your method.
/// </summary>
public sealed class MySampler(MySamplerOptions options) : ISampler
{
    /// <inheritdoc />
    public SamplerInfo Info { get; } = new("acme_myplugin", Stochastic: options.Churn > 0) { Needs = ScheduleFeatures.Sigmas };

    /// <inheritdoc />
    public SamplingResult Sample(SamplingRequest request)
    {
        var model = SigmaDenoiser.For(request, sampler: Info);
        var sigmas = model.Sigmas;
        var x = model.Initial();
        for (int i = 0; i < sigmas.Count - 1; i++)
        {
            request.CancellationToken.ThrowIfCancellationRequested();
            using var scope = NewDisposeScope();
            double sigmaHat = sigmas[i] * (1 + options.Churn);
            var current = options.Churn > 0 ? x + SamplerTensors.Noise(request) * Math.Sqrt(sigmaHat * sigmaHat - sigmas[i] * sigmas[i]) : x;
            var denoised = model.Denoise(current, sigmaHat);
            var next = (current + (current - denoised) / sigmaHat * (sigmas[i + 1] - sigmaHat)).MoveToOuterDisposeScope();
            request.OnStep?.Invoke(new SamplerStep(i, sigmas.Count - 1, request.Schedule.Timesteps[i], next, denoised));
            SamplerTensors.Replace(ref x, next);
        }

        return model.Result(x, sigmas.Count - 1);
    }
}
