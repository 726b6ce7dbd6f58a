using Diffusion.Contracts;
using Diffusion.Sdk;

namespace Diffusion.Plugins.ScoreSde;

/// <summary><c>scheduler.ve</c>: the variance-exploding SDE (Song et al. 2021, Eq. 9, 30).</summary>
internal sealed class VeSchedulerNode : SchedulerNodeType<VeSdeSchedulerOptions>
{
    protected override string Name => "scheduler.ve";

    protected override string Category => "scheduling";

    protected override string Description => "Variance-exploding SDE (SMLD/NCSN++): sigma(t) = sigma_min (sigma_max/sigma_min)^t, prior N(0, sigma_max^2 I).";

    protected override IEnumerable<ValidationIssue> CheckOptions(VeSdeSchedulerOptions options, NodeValidationContext context)
    {
        if (!(options.SigmaMax > options.SigmaMin))
        {
            yield return context.ParamIssue("sigma_max", $"sigma_max ({options.SigmaMax}) must be larger than sigma_min ({options.SigmaMin}).");
        }

        if (!(options.Epsilon < 1))
        {
            yield return context.ParamIssue("epsilon", "epsilon must be smaller than the end time 1.");
        }
    }

    protected override IScheduler Create(VeSdeSchedulerOptions options) => new VeSdeScheduler(options);
}
