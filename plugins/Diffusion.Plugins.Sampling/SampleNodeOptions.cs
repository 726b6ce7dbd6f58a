using Diffusion.Contracts;

namespace Diffusion.Plugins.Sampling;

/// <summary>Params of the <c>sample</c> node.</summary>
public sealed record SampleNodeOptions
{
    /// <summary>Inference steps (ignored by adaptive samplers).</summary>
    [Param("Inference steps.", Min = 1)]
    public int Steps { get; init; } = 50;

    /// <summary>Number of samples.</summary>
    [Param("Number of samples.", Min = 1)]
    public int Count { get; init; } = 1;

    /// <summary>Seed of the CPU generator all noise is drawn from; null takes the run's seed.</summary>
    [Param("Seed of the noise generator (null: the run's seed).")]
    public long? Seed { get; init; }

    /// <summary>Classifier-free guidance scale w (Ho &amp; Salimans 2022, Eq. 6); 1 disables guidance.</summary>
    [Param("Classifier-free guidance scale (1: none).", Min = 0)]
    public double GuidanceScale { get; init; } = 1.0;

    /// <summary>Largest batch per sampler run; 0 runs all <see cref="Count"/> at once. Chunks draw from one generator in order.</summary>
    [Param("Samples per sampler run (0: all at once); chunks draw noise from the same generator in order.", Min = 0)]
    public int BatchSize { get; init; }

    /// <summary>The loop dtype.</summary>
    [Param("Loop dtype.", Choices = ["float32", "float64"])]
    public string Dtype { get; init; } = "float32";

    /// <summary>Device of the loop (cpu, cuda, cuda:1); null takes the run's device.</summary>
    [Param("Device of the loop (null: the run's device).")]
    public string? Device { get; init; }
}
