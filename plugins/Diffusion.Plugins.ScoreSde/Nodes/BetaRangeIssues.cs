using Diffusion.Contracts;

namespace Diffusion.Plugins.ScoreSde;

/// <summary>Cross-field checks shared by <c>scheduler.vp</c> and <c>scheduler.subvp</c>.</summary>
internal static class BetaRangeIssues
{
    public static IEnumerable<ValidationIssue> Of(VpSdeSchedulerOptions options, NodeValidationContext context)
    {
        if (!(options.BetaMax >= options.BetaMin) || !(options.BetaMax > 0))
        {
            yield return context.ParamIssue("beta_max", $"beta_max ({options.BetaMax}) must be positive and at least beta_min ({options.BetaMin}).");
        }

        if (!(options.Epsilon < 1))
        {
            yield return context.ParamIssue("epsilon", "epsilon must be smaller than the end time 1.");
        }
    }
}
