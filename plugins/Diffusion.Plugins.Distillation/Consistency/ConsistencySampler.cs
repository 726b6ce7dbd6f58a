using Diffusion.Contracts;
using Diffusion.Sdk;
using static TorchSharp.torch;

namespace Diffusion.Plugins.Distillation;

/// <summary>
/// Multistep consistency sampling (Song et al. 2023, Algorithm 1) over the schedule's noise levels σ_0 &gt; σ_1 &gt; ...:
/// x = σ_0 z, x̂_0 = f(x, σ_0); then for every further level σ_i: x = x̂_0 + sqrt(σ_i² − σ_min²) z, x̂_0 = f(x, σ_i).
/// One network call per schedule step; the result is the last x̂_0. f is the denoiser's D(x; σ) through the SDK's
/// SigmaDenoiser (a <see cref="ConsistencyDenoiser"/> predicts x_0 directly). Random order: x_T, then one z per later step.
/// </summary>
public sealed class ConsistencySampler : ISampler
{
    private readonly ConsistencySamplerOptions options;

    /// <summary>Creates the sampler.</summary>
    public ConsistencySampler(ConsistencySamplerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.SigmaMin is <= 0)
        {
            throw new ArgumentException($"sampler.consistency: sigma_min must be above 0, got {options.SigmaMin}.");
        }

        this.options = options;
    }

    /// <inheritdoc />
    public SamplerInfo Info { get; } = new("consistency", Stochastic: true)
    {
        Needs = ScheduleFeatures.Sigmas,
        Predictions = [PredictionType.Sample],
    };

    /// <inheritdoc />
    public SamplingResult Sample(SamplingRequest request)
    {
        var model = SigmaDenoiser.For(request, sampler: Info);
        var sigmas = model.Sigmas;
        double sigmaMin = options.SigmaMin ?? (request.Denoiser is ConsistencyDenoiser consistency ? consistency.SigmaMin : model.Table.SigmaMin);
        int steps = request.Schedule.Count;
        var x = model.Initial();
        Tensor? denoised = null;
        for (int i = 0; i < steps; i++)
        {
            request.CancellationToken.ThrowIfCancellationRequested();
            using var scope = NewDisposeScope();
            if (denoised is not null)
            {
                // Algorithm 1, line 5: back to level σ_i around the current estimate.
                double scale = Math.Sqrt(Math.Max(0, (sigmas[i] * sigmas[i]) - (sigmaMin * sigmaMin)));
                SamplerTensors.Replace(ref x, (denoised + (SamplerTensors.Noise(request) * scale)).MoveToOuterDisposeScope());
            }

            var next = model.Denoise(x, i).MoveToOuterDisposeScope();
            request.OnStep?.Invoke(new SamplerStep(i, steps, request.Schedule.Timesteps[i], next, next));
            denoised?.Dispose();
            denoised = next;
        }

        x.Dispose();
        return model.Result(denoised!, steps);
    }
}
