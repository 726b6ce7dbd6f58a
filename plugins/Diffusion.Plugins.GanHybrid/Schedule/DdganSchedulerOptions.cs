using Diffusion.Contracts;

namespace Diffusion.Plugins.GanHybrid;

/// <summary>Params of <c>scheduler.ddgan</c>: the VP SDE's β(τ) = β_min + τ (β_max − β_min) cut into T levels.</summary>
public sealed record DdganSchedulerOptions
{
    [Param("Denoising steps T of the DDGAN chain; the generator is trained on exactly these levels (Xiao et al. 2022 use T = 2 or 4).", Min = 1, Max = 1000)]
    public int Steps { get; init; } = 4;

    [Param("β_min of the VP SDE the chain discretises (Song et al. 2021; DDGAN: 0.1).", Min = 0)]
    public double BetaMin { get; init; } = 0.1;

    [Param("β_max of the VP SDE the chain discretises (Song et al. 2021; DDGAN: 20).", Min = 0)]
    public double BetaMax { get; init; } = 20.0;

    [Param("Time of the clean level: level k sits at τ_k = ε + (1 − ε) k / T (the DDGAN code's eps_small, 1e-3).", Min = 0, Max = 0.5)]
    public double TimeOffset { get; init; } = 1e-3;
}
