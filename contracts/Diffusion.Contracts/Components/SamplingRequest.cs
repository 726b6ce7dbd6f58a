using TorchSharp;

namespace Diffusion.Contracts;

/// <summary>
/// Everything one sampling run needs. The sampler's own knobs (eta, order, tolerances) live in the sampler instance;
/// per-run state (step index, multistep history) lives in locals of <see cref="ISampler.Sample"/>.
/// </summary>
public sealed record SamplingRequest
{
    /// <summary>The network.</summary>
    public required IDenoiser Denoiser { get; init; }

    /// <summary>The noise schedule.</summary>
    public required IScheduler Scheduler { get; init; }

    /// <summary>The full sample shape including the batch, e.g. [16, 1, 28, 28].</summary>
    public required IReadOnlyList<long> Shape { get; init; }

    /// <summary>
    /// Inference steps. Adaptive samplers choose their own steps and use this only as the first estimate of
    /// <see cref="SamplerStep.Total"/>.
    /// </summary>
    public int Steps { get; init; } = 50;

    /// <summary>
    /// The starting x_T, already multiplied by the sampler's initial noise scale. When null the sampler draws
    /// <c>randn(Shape, Generator) * init_noise_sigma</c> first, as diffusers pipelines do.
    /// </summary>
    public torch.Tensor? InitialSample { get; init; }

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

    /// <summary>The (guided) model prediction, which samplers call instead of the denoiser.</summary>
    public torch.Tensor Predict(torch.Tensor sample, torch.Tensor time) =>
        ClassifierFreeGuidance.Predict(Denoiser, sample, time, Conditioning, Unconditional, GuidanceScale);
}
