namespace Diffusion.Contracts;

/// <summary>
/// An update rule that owns the sampling loop (k-diffusion style): it asks the scheduler for the discretisation, calls
/// the denoiser as often as it needs, reports every step and honours cancellation. Instances are immutable and shared;
/// all per-run state is local to <see cref="Sample"/>. Implementations open one dispose scope per step.
/// </summary>
public interface ISampler
{
    /// <summary>Name and traits.</summary>
    SamplerInfo Info { get; }

    /// <summary>Runs the loop and returns x_0.</summary>
    SamplingResult Sample(SamplingRequest request);
}
