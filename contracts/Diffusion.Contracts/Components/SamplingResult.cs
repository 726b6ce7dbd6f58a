using TorchSharp;

namespace Diffusion.Contracts;

/// <summary>The outcome of a sampling run.</summary>
/// <param name="Samples">x_0, shape of the request.</param>
/// <param name="FunctionEvaluations">Number of denoiser evaluations (NFE), guidance batches counting once.</param>
/// <param name="Steps">Steps taken (accepted steps for adaptive samplers).</param>
public sealed record SamplingResult(torch.Tensor Samples, int FunctionEvaluations, int Steps);
