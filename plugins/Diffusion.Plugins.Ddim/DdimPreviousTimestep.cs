namespace Diffusion.Plugins.Ddim;

/// <summary>Where a DDIM step goes from timestep t.</summary>
public enum DdimPreviousTimestep
{
    /// <summary>t − T // N with N the full schedule's steps, as diffusers' DDIMScheduler computes it.</summary>
    Stride,

    /// <summary>The schedule's next timestep.</summary>
    Next,
}
