using TorchSharp;

namespace Diffusion.Contracts;

/// <summary>
/// A noise schedule and its discretisation: q(x_t | x_0) = N(α_t x_0, σ_t² I) for training, and the timesteps/sigmas
/// a sampler visits for N steps. Immutable and shareable.
/// </summary>
public interface IScheduler
{
    /// <summary>The schedule family.</summary>
    ScheduleKind Kind { get; }

    /// <summary>What it offers samplers (an ᾱ table, a sigma view, an SDE); see <see cref="SamplerInfo.Needs"/>.</summary>
    ScheduleFeatures Features { get; }

    /// <summary>Number of training timesteps T of a discrete schedule (the time range of continuous ones scaled to it).</summary>
    int TrainTimesteps { get; }

    /// <summary>ᾱ_t for t = 0..T−1 (float64) for discrete schedules; empty for continuous SDEs.</summary>
    IReadOnlyList<double> AlphasCumprod { get; }

    /// <summary>The full inference schedule for <paramref name="steps"/> steps (slice it for img2img or split runs).</summary>
    InferenceSchedule CreateInferenceSchedule(int steps);

    /// <summary>
    /// The marginal coefficients at times <paramref name="time"/> [batch]: x_t = α_t x_0 + σ_t ε. Returned tensors are
    /// [batch] float64; callers cast and broadcast.
    /// </summary>
    (torch.Tensor Alpha, torch.Tensor Sigma) Marginal(torch.Tensor time);

    /// <summary>Uniform random training times [batch] in the unit the denoiser takes (int64 timesteps or float times).</summary>
    torch.Tensor SampleTrainingTimes(long batch, torch.Generator generator);

    /// <summary>x_t = α_t x_0 + σ_t ε (Ho et al. 2020, Eq. 4).</summary>
    torch.Tensor AddNoise(torch.Tensor original, torch.Tensor noise, torch.Tensor time)
    {
        ArgumentNullException.ThrowIfNull(original);
        ArgumentNullException.ThrowIfNull(noise);
        var (alpha, sigma) = Marginal(time);
        using var scope = torch.NewDisposeScope();
        var a = Broadcast(alpha, original);
        var s = Broadcast(sigma, original);
        return (a * original + s * noise).MoveToOuterDisposeScope();
    }

    /// <summary>The v-prediction target v = α_t ε − σ_t x_0 (Salimans &amp; Ho 2022, Sec. 4).</summary>
    torch.Tensor VelocityTarget(torch.Tensor original, torch.Tensor noise, torch.Tensor time)
    {
        ArgumentNullException.ThrowIfNull(original);
        ArgumentNullException.ThrowIfNull(noise);
        var (alpha, sigma) = Marginal(time);
        using var scope = torch.NewDisposeScope();
        var a = Broadcast(alpha, original);
        var s = Broadcast(sigma, original);
        return (a * noise - s * original).MoveToOuterDisposeScope();
    }

    /// <summary>Reshapes per-batch coefficients [batch] to broadcast over <paramref name="like"/>, same dtype and device.</summary>
    static torch.Tensor Broadcast(torch.Tensor coefficient, torch.Tensor like)
    {
        ArgumentNullException.ThrowIfNull(coefficient);
        ArgumentNullException.ThrowIfNull(like);
        var shape = new long[like.dim()];
        Array.Fill(shape, 1L);
        shape[0] = coefficient.numel() == 1 ? 1 : coefficient.shape[0];
        return coefficient.to(like.dtype, like.device).reshape(shape);
    }
}
