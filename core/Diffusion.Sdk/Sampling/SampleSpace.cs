namespace Diffusion.Sdk;

/// <summary>The space a sampler's loop variable x lives in, which decides how a clean <see cref="Contracts.SamplingRequest.Source"/> is noised.</summary>
public enum SampleSpace
{
    /// <summary>x_t = α_t x_0 + σ_t ε from the scheduler's marginal (DDPM, DDIM, PNDM, SDE samplers).</summary>
    Marginal,

    /// <summary>x = x_0 + σ ε with σ from the schedule's sigma view (k-diffusion samplers: x = x_VP sqrt(σ² + 1)).</summary>
    SigmaScaled,
}
