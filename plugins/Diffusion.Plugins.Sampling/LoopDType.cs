namespace Diffusion.Plugins.Sampling;

/// <summary>The floating-point type of a sampling loop.</summary>
public enum LoopDType
{
    /// <summary>Single precision (diffusers' default).</summary>
    Float32,

    /// <summary>Double precision (for parity studies).</summary>
    Float64,
}
