using TorchSharp;

namespace Diffusion.Contracts;

/// <summary>
/// A network <c>(x_t, t, conditioning) -> prediction</c>. Immutable and safe to call from concurrent runs.
/// Implementations run in inference mode (no autograd) unless a trainer drives them.
/// </summary>
public interface IDenoiser
{
    /// <summary>Prediction type, time input, sample shape, conditioning.</summary>
    DenoiserInfo Info { get; }

    /// <summary>
    /// Predicts for a batch. <paramref name="time"/> is [batch] (or a scalar, broadcast), in the unit of
    /// <see cref="DenoiserInfo.TimeInput"/>. The result has the shape of <paramref name="sample"/>.
    /// </summary>
    /// <param name="sample">x_t [batch, ...].</param>
    /// <param name="time">Model time.</param>
    /// <param name="conditioning">The condition, or null.</param>
    /// <param name="generator">
    /// The run's CPU generator, for denoisers that draw noise of their own (a DDGAN generator's latent z,
    /// <see cref="DenoiserInfo.UsesGenerator"/>) so their outputs follow the run seed; others ignore it. When null such a
    /// denoiser draws from a fresh generator of its own seed.
    /// </param>
    torch.Tensor Forward(torch.Tensor sample, torch.Tensor time, Conditioning? conditioning = null, torch.Generator? generator = null);
}
