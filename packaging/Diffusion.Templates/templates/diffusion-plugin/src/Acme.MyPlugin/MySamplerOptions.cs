using Diffusion.Contracts;

namespace Acme.MyPlugin;

/// <summary>The params of <c>sampler.acme_myplugin</c>: one property per param, described once by [Param].</summary>
public sealed record MySamplerOptions
{
    [Param("Churn: extra noise added before each step and removed by it (0: the deterministic ODE step).", Min = 0, Max = 1)]
    public double Churn { get; init; }
}
