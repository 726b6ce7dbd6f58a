namespace Diffusion.Torch;

/// <summary>
/// Frees TorchSharp native objects that only a finalizer releases. Arithmetic such as <c>0.5 * tensor</c> creates a
/// native <c>Scalar</c> behind the scenes that no dispose scope owns; the .NET GC sees only a tiny managed wrapper, so
/// it rarely runs, finalizers lag, and the glibc heap fragments around the survivors: resident memory grew by about
/// 3 GB per 1,000 DDPM steps on a (16, 4, 64, 64) batch while the live tensor count stayed flat
/// (docs/bench/samplers-overhead.md). Long loops call <see cref="Tick"/> (samplers, through <c>SamplerTensors.Replace</c>)
/// or <see cref="AfterStep"/> (training) once per step.
/// </summary>
public static class NativeObjectReclaimer
{
    /// <summary>How many steps pass between collections; a collection of the small managed heap costs about a millisecond.</summary>
    public const int Interval = 32;

    /// <summary>Collects and runs pending finalizers every <see cref="Interval"/> steps.</summary>
    /// <param name="step">The 1-based step just finished.</param>
    public static void AfterStep(int step)
    {
        if (step % Interval == 0)
        {
            Collect();
        }
    }

    private static long ticks;

    /// <summary>
    /// Counts one step of any loop in the process and collects every <see cref="Interval"/> steps. Samplers call it
    /// through <c>SamplerTensors.Replace</c>, so a program that drives <c>ISampler.Sample</c> itself for thousands of
    /// steps keeps a flat resident size without doing anything; concurrent loops share the count.
    /// </summary>
    public static void Tick()
    {
        if (Interlocked.Increment(ref ticks) % Interval == 0)
        {
            Collect();
        }
    }

    /// <summary>Collects now and waits for finalizers, so their native memory is back before the next step.</summary>
    public static void Collect()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
    }
}
