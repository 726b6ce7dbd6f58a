using Microsoft.Extensions.Logging;
using TorchSharp;

namespace Diffusion.Contracts;

/// <summary>
/// Per-run settings every node sees. Randomness: nodes that draw noise create their own CPU generator from their
/// <c>seed</c> param (or <see cref="Seed"/> when they have none) with <see cref="CreateGenerator"/>, so results do not
/// depend on which branch ran first, and a seed gives the same numbers as PyTorch/diffusers on any device.
/// </summary>
public sealed record RunContext
{
    /// <summary>The run id (unique within a host).</summary>
    public required string RunId { get; init; }

    /// <summary>The run's default seed.</summary>
    public long Seed { get; init; }

    /// <summary>The device networks and samplers run on.</summary>
    public required torch.Device Device { get; init; }

    /// <summary>The floating-point type of sampling and training tensors.</summary>
    public torch.ScalarType DType { get; init; } = torch.ScalarType.Float32;

    /// <summary>The folder outputs with relative paths are written under.</summary>
    public required string OutputDirectory { get; init; }

    /// <summary>The folder relative input paths in params resolve against (the pipeline file's folder).</summary>
    public required string BaseDirectory { get; init; }

    /// <summary>The run's logger.</summary>
    public required ILogger Logger { get; init; }

    /// <summary>
    /// Whether a consumer wants step previews (<see cref="NodeProgress.Preview"/>), and then the shortest time between
    /// two previews of a node; null (the default) means none, and nodes spend nothing on them.
    /// </summary>
    public TimeSpan? PreviewInterval { get; init; }

    /// <summary>
    /// A new CPU generator seeded with <paramref name="seed"/> (or the run's seed). Noise is drawn on the CPU and
    /// moved to the device, which is what makes seeds reproduce diffusers across devices.
    /// </summary>
    public torch.Generator CreateGenerator(long? seed = null) => new((ulong)(seed ?? Seed), torch.CPU);
}
