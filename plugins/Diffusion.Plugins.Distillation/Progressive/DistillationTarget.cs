using static TorchSharp.torch;

namespace Diffusion.Plugins.Distillation;

/// <summary>
/// The target of progressive distillation (Salimans &amp; Ho 2022, Algorithm 2): the x̃ for which one deterministic DDIM
/// step of the student from z_t to t'' lands where two teacher DDIM steps t → t' → t'' land,
/// x̃ = (z_{t''} − (σ_{t''}/σ_t) z_t) / (α_{t''} − (σ_{t''}/σ_t) α_t), with x_t = α_t x + σ_t ε (VP, α² + σ² = 1).
/// When t'' is the end of the chain (σ_{t''} = 0) this is z_{t''}/α_{t''}.
/// </summary>
public static class DistillationTarget
{
    /// <summary>x̃ per batch item; coefficients are [batch] tensors (float64 is fine; they are cast).</summary>
    public static Tensor Compute(Tensor zt, Tensor zEnd, Tensor alpha, Tensor sigma, Tensor alphaEnd, Tensor sigmaEnd)
    {
        ArgumentNullException.ThrowIfNull(zt);
        ArgumentNullException.ThrowIfNull(zEnd);
        using var scope = NewDisposeScope();
        var ratio = sigmaEnd.to(float64) / sigma.to(float64);
        var denominator = alphaEnd.to(float64) - (ratio * alpha.to(float64));
        var target = (zEnd - (VectorParameterisation.Broadcast(ratio, zt) * zt)) / VectorParameterisation.Broadcast(denominator, zt);
        return target.MoveToOuterDisposeScope();
    }

    /// <summary>One deterministic DDIM step (Song et al. 2021, Eq. 12 with σ = 0) from z_t with clean estimate x̂: α_{t''} x̂ + σ_{t''} (z_t − α_t x̂)/σ_t.</summary>
    public static Tensor DdimStep(Tensor zt, Tensor denoised, double alpha, double sigma, double alphaEnd, double sigmaEnd)
    {
        ArgumentNullException.ThrowIfNull(zt);
        ArgumentNullException.ThrowIfNull(denoised);
        using var scope = NewDisposeScope();
        var epsilon = (zt - (alpha * denoised)) / sigma;
        return ((alphaEnd * denoised) + (sigmaEnd * epsilon)).MoveToOuterDisposeScope();
    }
}
