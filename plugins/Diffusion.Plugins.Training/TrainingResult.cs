using Diffusion.Contracts;

namespace Diffusion.Plugins.Training;

/// <summary>What a training run produced.</summary>
/// <param name="Denoiser">The EMA network when EMA is on, else the trained network (a replicate; the input is never changed).</param>
/// <param name="Losses">The loss of every step run in this call, in order.</param>
/// <param name="FirstStep">The step this call started from (0, or the resumed checkpoint's step).</param>
/// <param name="Seconds">Wall time of the loop.</param>
public sealed record TrainingResult(ITrainableDenoiser Denoiser, IReadOnlyList<double> Losses, long FirstStep, double Seconds)
{
    /// <summary>Steps per second of this call.</summary>
    public double IterationsPerSecond => Seconds > 0 ? Losses.Count / Seconds : 0;
}
