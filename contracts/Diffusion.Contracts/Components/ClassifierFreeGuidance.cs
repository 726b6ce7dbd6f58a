using TorchSharp;

namespace Diffusion.Contracts;

/// <summary>
/// Classifier-free guidance (Ho &amp; Salimans 2022, Eq. 6): ε̃ = ε(x, ∅) + w (ε(x, c) − ε(x, ∅)), evaluated as one
/// batched call, as diffusers pipelines do. Samplers call <see cref="SamplingRequest.Predict"/>, which calls this.
/// </summary>
public static class ClassifierFreeGuidance
{
    /// <summary>The (guided) prediction for <paramref name="sample"/> at <paramref name="time"/>.</summary>
    /// <param name="denoiser">The network.</param>
    /// <param name="sample">x_t [batch, ...].</param>
    /// <param name="time">Model time, [batch] or a scalar.</param>
    /// <param name="conditioning">The condition, or null.</param>
    /// <param name="unconditional">The unconditional branch, or null (then no guidance).</param>
    /// <param name="guidanceScale">w; 1 means no guidance.</param>
    /// <param name="generator">The run's generator, for denoisers that draw noise of their own (null: none).</param>
    public static torch.Tensor Predict(
        IDenoiser denoiser,
        torch.Tensor sample,
        torch.Tensor time,
        Conditioning? conditioning,
        Conditioning? unconditional,
        double guidanceScale,
        torch.Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(denoiser);
        ArgumentNullException.ThrowIfNull(sample);
        ArgumentNullException.ThrowIfNull(time);
        if (conditioning is null || unconditional is null || guidanceScale == 1.0)
        {
            return denoiser.Forward(sample, time, conditioning, generator);
        }

        using var scope = torch.NewDisposeScope();
        var both = Conditioning.Concat(unconditional, conditioning);
        var batchTime = time.dim() == 0 ? time.expand(sample.shape[0]) : time;
        var output = denoiser.Forward(torch.cat([sample, sample], 0), torch.cat([batchTime, batchTime], 0), both, generator);
        var halves = output.chunk(2, 0);
        var guided = halves[0] + guidanceScale * (halves[1] - halves[0]);
        return guided.MoveToOuterDisposeScope();
    }
}
