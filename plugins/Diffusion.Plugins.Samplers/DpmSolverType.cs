namespace Diffusion.Plugins.Samplers;

/// <summary>The second-order formula of multistep DPM-Solver (diffusers' <c>solver_type</c>).</summary>
public enum DpmSolverType
{
    /// <summary>DPM-Solver++ Algorithm 2.</summary>
    Midpoint,

    /// <summary>The Heun-style combination.</summary>
    Heun,
}
