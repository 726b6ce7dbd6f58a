using TorchSharp;

namespace Diffusion.Contracts;

/// <summary>
/// A denoiser backed by a TorchSharp module that training nodes can optimise. Training never changes a denoiser that
/// other nodes hold: a trainer works on a <see cref="Replicate"/> and outputs a new denoiser.
/// </summary>
public interface ITrainableDenoiser : IDenoiser
{
    /// <summary>The module whose parameters train. Parameter names are the checkpoint's keys.</summary>
    torch.nn.Module Network { get; }

    /// <summary>A deep copy with its own parameters on <paramref name="device"/> (training copies, EMA shadows).</summary>
    ITrainableDenoiser Replicate(torch.Device device);

    /// <summary>
    /// The settings that rebuild this network (stored in checkpoint metadata next to the weights), including its node
    /// type under the key <c>node_type</c>.
    /// </summary>
    IReadOnlyDictionary<string, string> Config { get; }
}
