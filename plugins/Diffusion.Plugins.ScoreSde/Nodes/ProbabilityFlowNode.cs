using Diffusion.Contracts;
using Diffusion.Sdk;

namespace Diffusion.Plugins.ScoreSde;

/// <summary><c>sampler.probability_flow</c>: the probability-flow ODE (Song et al. 2021, Eq. 13).</summary>
internal sealed class ProbabilityFlowNode : SamplerNodeType<ProbabilityFlowOptions>
{
    protected override string Name => "sampler.probability_flow";

    protected override string Category => "sampling";

    protected override string Description => "Deterministic probability-flow ODE sampler (Euler, Heun, RK4 or adaptive Dormand-Prince 5(4)); needs scheduler.ve, .vp or .subvp.";

    protected override IEnumerable<ValidationIssue> CheckOptions(ProbabilityFlowOptions options, NodeValidationContext context)
    {
        if (options.Method == "dopri5" && !(options.Rtol > 0 || options.Atol > 0))
        {
            yield return context.ParamIssue("rtol", "dopri5 needs rtol > 0 or atol > 0.");
        }

        if (options.MinFactor > options.Safety)
        {
            yield return context.ParamIssue("min_factor", $"min_factor ({options.MinFactor}) should not exceed safety ({options.Safety}).");
        }
    }

    protected override ISampler Create(ProbabilityFlowOptions options) => new ProbabilityFlowSampler(options);
}
