using System.Text.Json.Serialization;

namespace Diffusion.Plugins.Samplers;

/// <summary>The DPM-Solver family member (diffusers' <c>algorithm_type</c>).</summary>
public enum DpmSolverAlgorithm
{
    /// <summary>Data prediction (Lu et al. 2022b, DPM-Solver++).</summary>
    [JsonStringEnumMemberName("dpmsolver++")]
    DpmSolverPlusPlus,

    /// <summary>Noise prediction (Lu et al. 2022a, DPM-Solver).</summary>
    [JsonStringEnumMemberName("dpmsolver")]
    DpmSolver,

    /// <summary>DPM-Solver++ with fresh noise every step (DPM-Solver++ paper, App. B).</summary>
    [JsonStringEnumMemberName("sde-dpmsolver++")]
    SdeDpmSolverPlusPlus,

    /// <summary>DPM-Solver with fresh noise every step.</summary>
    [JsonStringEnumMemberName("sde-dpmsolver")]
    SdeDpmSolver,
}
