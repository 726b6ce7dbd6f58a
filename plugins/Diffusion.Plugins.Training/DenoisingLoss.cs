using Diffusion.Contracts;
using static TorchSharp.torch;

namespace Diffusion.Plugins.Training;

/// <summary>The training objective for each prediction type (loss = auto).</summary>
public static class DenoisingLoss
{
    /// <summary>
    /// The mean squared error of <paramref name="prediction"/> for x_t = α_t x_0 + σ_t ε:
    /// epsilon: ‖ε̂ − ε‖² (Ho et al. 2020, Eq. 14, L_simple);
    /// v_prediction: ‖v̂ − v‖², v = α_t ε − σ_t x_0 (Salimans &amp; Ho 2022, Sec. 4; <see cref="IScheduler.VelocityTarget"/>);
    /// sample: ‖x̂_0 − x_0‖²;
    /// score: denoising score matching with λ(t) = σ_t² (Song et al. 2021, Eq. 7): σ_t² ‖ŝ − (−ε/σ_t)‖² = ‖σ_t ŝ + ε‖²,
    /// which is the ε-MSE of the implied ε̂ = −σ_t ŝ.
    /// </summary>
    public static Tensor Compute(PredictionType prediction, Tensor output, Tensor original, Tensor noise, Tensor time, IScheduler scheduler)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(scheduler);
        using var scope = NewDisposeScope();
        var loss = prediction switch
        {
            PredictionType.Epsilon => (output - noise).square().mean(),
            PredictionType.VPrediction => (output - scheduler.VelocityTarget(original, noise, time)).square().mean(),
            PredictionType.Sample => (output - original).square().mean(),
            PredictionType.Score => ((IScheduler.Broadcast(scheduler.Marginal(time).Sigma, output) * output) + noise).square().mean(),
            _ => throw new NotSupportedException($"train.denoising: no loss for prediction type {prediction}."),
        };
        return loss.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The time argument in the denoiser's unit: timestep as given; continuous time t/T for integer timesteps (as
    /// given for float times of continuous schedules); sigma σ_t/α_t from the scheduler's marginal (Karras et al.
    /// 2022, Table 1, VP: σ = sqrt((1 − ᾱ)/ᾱ)).
    /// </summary>
    public static Tensor ModelTime(TimeInput timeInput, Tensor time, IScheduler scheduler)
    {
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(scheduler);
        using var scope = NewDisposeScope();
        var result = timeInput switch
        {
            TimeInput.Timestep => time.alias(),
            TimeInput.ContinuousTime => time.is_floating_point() ? time.alias() : time.to_type(ScalarType.Float64) / scheduler.TrainTimesteps,
            TimeInput.Sigma => Sigma(time, scheduler),
            _ => throw new NotSupportedException($"train.denoising: time input {timeInput} is not supported."),
        };
        return result.MoveToOuterDisposeScope();
    }

    private static Tensor Sigma(Tensor time, IScheduler scheduler)
    {
        var (alpha, sigma) = scheduler.Marginal(time);
        return sigma / alpha;
    }
}
