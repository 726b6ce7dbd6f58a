using Diffusion.Contracts;
using Diffusion.Sdk;

namespace Diffusion.Plugins.Samplers;

/// <summary><c>sampler.euler</c>.</summary>
public sealed class EulerSamplerNode : SamplerNodeType<EulerSamplerOptions>
{
    /// <inheritdoc />
    protected override string Name => "sampler.euler";

    /// <inheritdoc />
    protected override string Description => "Euler steps of the probability-flow ODE in sigma space (Karras et al. 2022), with optional churn.";

    /// <inheritdoc />
    protected override ISampler Create(EulerSamplerOptions options) => new EulerSampler(options);
}

/// <summary><c>sampler.euler_ancestral</c>.</summary>
public sealed class EulerAncestralSamplerNode : SamplerNodeType<EulerAncestralSamplerOptions>
{
    /// <inheritdoc />
    protected override string Name => "sampler.euler_ancestral";

    /// <inheritdoc />
    protected override string Description => "Euler ancestral sampling (k-diffusion): Euler to sigma_down plus fresh noise sigma_up.";

    /// <inheritdoc />
    protected override ISampler Create(EulerAncestralSamplerOptions options) => new EulerAncestralSampler(options);
}

/// <summary><c>sampler.heun</c>.</summary>
public sealed class HeunSamplerNode : SamplerNodeType<HeunSamplerOptions>
{
    /// <inheritdoc />
    protected override string Name => "sampler.heun";

    /// <inheritdoc />
    protected override string Description => "Heun's second-order method (Karras et al. 2022, Algorithm 1).";

    /// <inheritdoc />
    protected override ISampler Create(HeunSamplerOptions options) => new HeunSampler(options);
}

/// <summary><c>sampler.lms</c>.</summary>
public sealed class LmsSamplerNode : SamplerNodeType<LmsSamplerOptions>
{
    /// <inheritdoc />
    protected override string Name => "sampler.lms";

    /// <inheritdoc />
    protected override string Description => "Linear multistep in sigma (k-diffusion's sample_lms), order up to 4.";

    /// <inheritdoc />
    protected override ISampler Create(LmsSamplerOptions options) => new LmsSampler(options);
}

/// <summary><c>sampler.pndm</c>.</summary>
public sealed class PndmSamplerNode : SamplerNodeType<PndmSamplerOptions>
{
    /// <inheritdoc />
    protected override string Name => "sampler.pndm";

    /// <inheritdoc />
    protected override string Description => "PLMS (Liu et al. 2022), diffusers' PNDMScheduler with skip_prk_steps.";

    /// <inheritdoc />
    protected override ISampler Create(PndmSamplerOptions options) => new PndmSampler(options);
}

/// <summary><c>sampler.dpmpp_2m</c>.</summary>
public sealed class Dpmpp2mSamplerNode : SamplerNodeType<DpmSolverMultistepOptions>
{
    /// <inheritdoc />
    protected override string Name => "sampler.dpmpp_2m";

    /// <inheritdoc />
    protected override string Description => "DPM-Solver++ multistep (Lu et al. 2022), second order by default.";

    /// <inheritdoc />
    protected override ISampler Create(DpmSolverMultistepOptions options) => new DpmSolverMultistepSampler(options);
}

/// <summary><c>sampler.dpmpp_3m</c>.</summary>
public sealed class Dpmpp3mSamplerNode : SamplerNodeType<Dpmpp3mSamplerOptions>
{
    /// <inheritdoc />
    protected override string Name => "sampler.dpmpp_3m";

    /// <inheritdoc />
    protected override string Description => "DPM-Solver++ multistep (Lu et al. 2022), third order.";

    /// <inheritdoc />
    protected override ISampler Create(Dpmpp3mSamplerOptions options) => new DpmSolverMultistepSampler(options);
}
