using Diffusion.Contracts;
using Diffusion.Sdk;
using Diffusion.Torch;
using TorchSharp;

namespace Diffusion.Plugins.ScoreSde;

/// <summary>
/// The score s(x, t) = ∇_x log p_t(x) from any denoiser, through the marginal x_t = α_t x_0 + σ_t ε: ε-prediction
/// gives s = −ε/σ_t, x_0-prediction s = −(x − α_t x̂_0)/σ_t², v-prediction (v = α_t ε − σ_t x_0, Salimans &amp; Ho 2022)
/// ε = (σ_t x + α_t v)/(α_t² + σ_t²) (Tweedie; Song et al. 2021, Eq. 7 context). The denoiser's time is t, t·(N−1) or
/// σ_t/α_t by its <see cref="TimeInput"/>.
/// </summary>
internal static class SdeScore
{
    /// <summary>The time argument the denoiser expects at continuous time <paramref name="time"/> ([batch] float64).</summary>
    public static torch.Tensor ModelTime(DenoiserInfo info, IScheduler scheduler, torch.Tensor time, torch.Tensor alpha, torch.Tensor sigma) =>
        info.TimeInput switch
        {
            TimeInput.ContinuousTime => time.clone(),
            TimeInput.Timestep => time * (scheduler.TrainTimesteps - 1),
            TimeInput.Sigma => sigma / alpha,
            _ => throw new NotSupportedException($"Time input {info.TimeInput} is not supported by score-SDE samplers; use a denoiser whose time input is continuous_time, timestep or sigma."),
        };

    /// <summary>The score at (x, t) and the denoised estimate x̂_0 = (x + σ_t² s)/α_t (Tweedie's formula).</summary>
    public static (torch.Tensor Score, torch.Tensor Denoised) Evaluate(SamplingRequest request, torch.Tensor x, double t)
    {
        using var scope = torch.NewDisposeScope();
        var time = SdeGrid.TimeLike(x, t);
        var (alphaT, sigmaT) = request.Scheduler.Marginal(time);
        var info = request.Denoiser.Info;
        var modelTime = ModelTime(info, request.Scheduler, time, alphaT, sigmaT).to(request.DType).to(x.device);
        var output = request.Predict(x, modelTime);
        var alpha = IScheduler.Broadcast(alphaT, x);
        var sigma = IScheduler.Broadcast(sigmaT, x);
        var score = info.Prediction switch
        {
            PredictionType.Score => output,
            PredictionType.Epsilon => -output / sigma,
            PredictionType.Sample => -(x - alpha * output) / sigma.square(),
            PredictionType.VPrediction => -((sigma * x) + (alpha * output)) / ((alpha.square() + sigma.square()) * sigma),
            _ => throw new NotSupportedException($"Prediction type {info.Prediction} is not supported by score-SDE samplers; use a denoiser that predicts score, epsilon, sample or v_prediction."),
        };
        var denoised = (x + sigma.square() * score) / alpha;
        return (score.MoveToOuterDisposeScope(), denoised.MoveToOuterDisposeScope());
    }

    /// <summary>
    /// A fresh x_T owned by the caller, in the loop dtype on the loop device: a copy of the request's initial sample, a
    /// source sample noised to the schedule's first time, or a draw from the SDE's prior (whose CPU tensor is disposed here).
    /// </summary>
    public static torch.Tensor InitialSample(SamplingRequest request, ISdeScheduler sde)
    {
        if (request.InitialSample is null && request.Source is not null)
        {
            return SamplerTensors.Initial(request, 1.0, SampleSpace.Marginal);
        }

        using var scope = torch.NewDisposeScope();
        var prior = request.InitialSample ?? sde.PriorSample([.. request.Shape], request.Generator);
        return prior.to(request.DType, request.Device, copy: true).MoveToOuterDisposeScope();
    }

    /// <summary>The scheduler as an SDE, or an error naming the sampler.</summary>
    public static ISdeScheduler RequireSde(IScheduler scheduler, string sampler) =>
        scheduler as ISdeScheduler ?? throw new NotSupportedException(
            $"sampler.{sampler} needs an SDE scheduler (scheduler.ve, scheduler.vp or scheduler.subvp); got {scheduler.GetType().Name} ({scheduler.Kind}). Link one of those to the sample node's scheduler input.");

    /// <summary>Replaces a loop variable by a tensor moved out of the step's scope, disposing the old one.</summary>
    public static void Replace(ref torch.Tensor slot, torch.Tensor next)
    {
        var old = slot;
        slot = next.MoveToOuterDisposeScope();
        if (!ReferenceEquals(old, slot))
        {
            old.Dispose();
        }

        // One step done: free the native scalars TorchSharp leaves to finalizers (see NativeObjectReclaimer).
        NativeObjectReclaimer.Tick();
    }
}
