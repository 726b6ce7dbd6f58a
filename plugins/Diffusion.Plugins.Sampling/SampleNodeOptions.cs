using Diffusion.Contracts;

namespace Diffusion.Plugins.Sampling;

/// <summary>Params of the <c>sample</c> node.</summary>
public sealed record SampleNodeOptions
{
    [Param("Inference steps of the schedule made from the scheduler when no schedule input is linked (adaptive samplers take only its range).", Min = 1, Max = 10000)]
    public int Steps { get; init; } = 50;

    [Param("Fraction of the schedule to run from the source input (image-to-image, diffusers' strength): the last ⌊N·strength⌋ steps; 1 runs all.", Min = 0, Max = 1)]
    public double Strength { get; init; } = 1.0;

    [Param("Number of samples.", Min = 1, Max = 100000)]
    public int Count { get; init; } = 1;

    [Param("Seed of the CPU generator all noise is drawn from (null: the run's seed).")]
    public long? Seed { get; init; }

    [Param("Classifier-free guidance scale w (Ho & Salimans 2022, Eq. 6); 1: none.", Min = 0, Max = 100)]
    public double GuidanceScale { get; init; } = 1.0;

    [Param("Samples per sampler run (0: all at once); chunks draw noise from the same generator in order.", Min = 0, Max = 100000)]
    public int BatchSize { get; init; }

    [Param("Loop dtype.")]
    public LoopDType Dtype { get; init; } = LoopDType.Float32;

    [Param("Device of the loop (cpu, cuda, cuda:1; null: the run's device).")]
    public string? Device { get; init; }
}
