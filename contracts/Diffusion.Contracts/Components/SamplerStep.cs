using TorchSharp;

namespace Diffusion.Contracts;

/// <summary>
/// One completed step of a sampler loop, for progress, previews and parity checks. The tensors belong to the sampler
/// and are only valid during the callback: copy what you keep.
/// </summary>
/// <param name="Index">Step index, 0-based.</param>
/// <param name="Total">Steps planned (for adaptive samplers, an estimate).</param>
/// <param name="Time">The model time of this step.</param>
/// <param name="Sample">x after the step (diffusers' prev_sample).</param>
/// <param name="Denoised">The predicted x_0 at this step, where the sampler has it.</param>
public readonly record struct SamplerStep(int Index, int Total, double Time, torch.Tensor Sample, torch.Tensor? Denoised);
