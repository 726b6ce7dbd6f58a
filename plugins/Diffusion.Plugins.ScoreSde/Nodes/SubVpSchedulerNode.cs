using Diffusion.Contracts;
using Diffusion.Sdk;

namespace Diffusion.Plugins.ScoreSde;

/// <summary><c>scheduler.subvp</c>: the sub-VP SDE (Song et al. 2021, Eq. 12, 34).</summary>
internal sealed class SubVpSchedulerNode : SchedulerNodeType<VpSdeSchedulerOptions>
{
    protected override string Name => "scheduler.subvp";

    protected override string Category => "scheduling";

    protected override string Description => "Sub-VP SDE: VP drift with diffusion sqrt(beta(t) (1 - exp(-2 int beta))), marginal std 1 - alpha_t^2, prior N(0, I).";

    protected override IEnumerable<ValidationIssue> CheckOptions(VpSdeSchedulerOptions options, NodeValidationContext context) =>
        BetaRangeIssues.Of(options, context);

    protected override IScheduler Create(VpSdeSchedulerOptions options) => new SubVpSdeScheduler(options);
}
