using TorchSharp;

namespace Diffusion.Contracts;

/// <summary>
/// Everything one sampling run needs. The sampler's own knobs (eta, order, tolerances) live in the sampler instance;
/// per-run state (step index, multistep history) lives in locals of <see cref="ISampler.Sample"/>. The sampler visits
/// exactly the steps of <see cref="Schedule"/>, which may be a slice of a longer one.
/// </summary>
public sealed record SamplingRequest
{
    /// <summary>The network.</summary>
    public required IDenoiser Denoiser { get; init; }

    /// <summary>The noise schedule (ᾱ table, SDE, sigma view) the <see cref="Schedule"/> was made from.</summary>
    public required IScheduler Scheduler { get; init; }

    /// <summary>The steps to take: the scheduler's inference schedule for N steps, or a slice of it.</summary>
    public required InferenceSchedule Schedule { get; init; }

    /// <summary>The full sample shape including the batch, e.g. [16, 1, 28, 28].</summary>
    public required IReadOnlyList<long> Shape { get; init; }

    /// <summary>
    /// The starting x at the schedule's first level, in the sampler's own space (already multiplied by the initial noise
    /// scale; for a slice: the output of the sampler that ran the steps before it). When null and
    /// <see cref="Source"/> is null the sampler draws <c>randn(Shape, Generator) · init_noise_sigma</c> first, as
    /// diffusers pipelines do.
    /// </summary>
    public torch.Tensor? InitialSample { get; init; }

    /// <summary>
    /// Clean data x_0 to start from (image-to-image, SDEdit): the sampler noises it to the schedule's first level with
    /// <c>randn(Shape, Generator)</c>, as diffusers' img2img <c>add_noise</c> does. Ignored when <see cref="InitialSample"/> is set.
    /// </summary>
    public torch.Tensor? Source { get; init; }

    /// <summary>The CPU generator for all noise of this run (initial and per-step), in diffusers' call order.</summary>
    public required torch.Generator Generator { get; init; }

    /// <summary>Where the loop runs.</summary>
    public torch.Device Device { get; init; } = torch.CPU;

    /// <summary>The dtype of the loop's tensors.</summary>
    public torch.ScalarType DType { get; init; } = torch.ScalarType.Float32;

    /// <summary>The condition, or null.</summary>
    public Conditioning? Conditioning { get; init; }

    /// <summary>The unconditional branch for classifier-free guidance, or null.</summary>
    public Conditioning? Unconditional { get; init; }

    /// <summary>Guidance scale w (1: no guidance).</summary>
    public double GuidanceScale { get; init; } = 1.0;

    /// <summary>Called after every step.</summary>
    public Action<SamplerStep>? OnStep { get; init; }

    /// <summary>Checked every step; cancellation throws <see cref="OperationCanceledException"/>.</summary>
    public CancellationToken CancellationToken { get; init; }

    /// <summary>
    /// The (guided) model output for <paramref name="sample"/> at model time <paramref name="time"/> [batch], which samplers
    /// call instead of the denoiser: classifier-free guidance is applied here, once, and a stochastic denoiser (a GAN
    /// generator's latent z) draws from the run's <see cref="Generator"/>.
    /// </summary>
    public torch.Tensor Predict(torch.Tensor sample, torch.Tensor time) =>
        ClassifierFreeGuidance.Predict(Denoiser, sample, time, Conditioning, Unconditional, GuidanceScale, Generator);
}
