using Diffusion.Contracts;

namespace Diffusion.Plugins.ScoreSde;

/// <summary><c>scheduler.vp</c>: the variance-preserving SDE (Song et al. 2021, Eq. 11, 32).</summary>
internal sealed class VpSchedulerNode : NodeType<VpSdeSchedulerOptions>
{
    protected override string Name => "scheduler.vp";

    protected override string Category => "scheduling";

    protected override string Description => "Variance-preserving SDE (continuous DDPM): beta(t) = beta_min + t (beta_max - beta_min), prior N(0, I).";

    protected override IReadOnlyList<PortDescriptor> Outputs => [new("scheduler", PortType.Scheduler, "The VP SDE (an ISdeScheduler).")];

    protected override IEnumerable<ValidationIssue> ValidateOptions(VpSdeSchedulerOptions options, NodeValidationContext context) =>
        BetaRangeIssues.Of(options, context);

    protected override Task<NodeOutputs> ExecuteAsync(INodeExecutionContext context, VpSdeSchedulerOptions options) =>
        Task.FromResult(NodeOutputs.Of("scheduler", new VpSdeScheduler(options)));
}
