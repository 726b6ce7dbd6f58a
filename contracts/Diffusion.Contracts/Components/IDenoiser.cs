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
    torch.Tensor Forward(torch.Tensor sample, torch.Tensor time, Conditioning? conditioning = null);
}
