using static TorchSharp.torch;

namespace Diffusion.Nn;

/// <summary>
/// The autoencoder's posterior q(z|x) = N(μ, diag σ²) (Kingma &amp; Welling 2014; Rombach et al. 2022, §3.1, KL-reg.),
/// from the encoder's moments split along channels into mean and log-variance, the latter clamped to [−30, 20] as
/// diffusers' <c>DiagonalGaussianDistribution</c> does. Owns its two tensors.
/// </summary>
public sealed class DiagonalGaussian : IDisposable
{
    /// <summary>Splits <paramref name="moments"/> [b, 2c, h, w] into mean and (clamped) log-variance.</summary>
    public DiagonalGaussian(Tensor moments)
    {
        ArgumentNullException.ThrowIfNull(moments);
        using var scope = NewDisposeScope();
        var halves = moments.chunk(2, 1);
        Mean = halves[0].contiguous().MoveToOuterDisposeScope();
        LogVar = halves[1].clamp(-30.0, 20.0).MoveToOuterDisposeScope();
    }

    /// <summary>μ [b, c, h, w].</summary>
    public Tensor Mean { get; }

    /// <summary>log σ² [b, c, h, w], clamped to [−30, 20].</summary>
    public Tensor LogVar { get; }

    /// <summary>
    /// z = μ + σ ε with ε ~ N(0, I) drawn on the CPU from <paramref name="generator"/> (so a seed gives the same z as
    /// diffusers on any device) and moved to the mean's device; the mean when <paramref name="generator"/> is null.
    /// </summary>
    public Tensor Sample(Generator? generator)
    {
        if (generator is null)
        {
            return Mean.alias();
        }

        using var scope = NewDisposeScope();
        var noise = randn(Mean.shape, Mean.dtype, CPU, generator: generator).to(Mean.device);
        var z = Mean + (0.5 * LogVar).exp() * noise;
        return z.MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Mean.Dispose();
        LogVar.Dispose();
    }
}
