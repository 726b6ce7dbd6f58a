using Diffusion.Contracts;

namespace Diffusion.Plugins.Sampling;

/// <summary>Params of the <c>decode</c> node.</summary>
public sealed record DecodeOptions
{
    [Param("Latents decoded per batch (decoders are memory-hungry).", Min = 1, Max = 4096)]
    public int BatchSize { get; init; } = 8;
}
