using Diffusion.Contracts;
using Diffusion.Sdk;

namespace Diffusion.Plugins.ScoreSde;

/// <summary><c>scheduler.vp</c>: the variance-preserving SDE (Song et al. 2021, Eq. 11, 32).</summary>
internal sealed class VpSchedulerNode : SchedulerNodeType<VpSdeSchedulerOptions>
{
    protected override string Name => "scheduler.vp";

    protected override string Category => "scheduling";

    protected override string Description => "Variance-preserving SDE (continuous DDPM): beta(t) = beta_min + t (beta_max - beta_min), prior N(0, I).";

    protected override IEnumerable<ValidationIssue> CheckOptions(VpSdeSchedulerOptions options, NodeValidationContext context) =>
        BetaRangeIssues.Of(options, context);

    protected override IScheduler Create(VpSdeSchedulerOptions options) => new VpSdeScheduler(options);
}
