using System.Globalization;
using Diffusion.Contracts;

namespace Diffusion.Core;

/// <summary>Adds the nodes' estimates and reports, per node, what goes over the run's budget and which param to lower.</summary>
internal static class BudgetCheck
{
    public static IEnumerable<ValidationIssue> Check(IReadOnlyList<(string NodeId, string Type, ResourceEstimate Estimate)> estimates, RunBudget budget)
    {
        long elements = estimates.Aggregate(0L, (sum, e) => Add(sum, e.Estimate.Elements));
        long calls = estimates.Aggregate(0L, (sum, e) => Add(sum, e.Estimate.NetworkCalls));
        if (elements > budget.MaxElements)
        {
            var worst = estimates.MaxBy(e => e.Estimate.Elements);
            yield return Issue(worst, worst.Estimate.ElementsParam, $"would allocate about {Format(worst.Estimate.Elements)} tensor elements ({worst.Estimate.Explanation})"
                + (elements != worst.Estimate.Elements ? $", {Format(elements)} for the whole run," : ",")
                + $" over the host's budget of {Format(budget.MaxElements)} (about {budget.MaxElements * 4 / (1L << 30)} GiB of float32).");
        }

        if (calls > budget.MaxNetworkCalls)
        {
            var worst = estimates.MaxBy(e => e.Estimate.NetworkCalls);
            yield return Issue(worst, worst.Estimate.CallsParam, $"would make about {Format(worst.Estimate.NetworkCalls)} network evaluations ({worst.Estimate.Explanation})"
                + (calls != worst.Estimate.NetworkCalls ? $", {Format(calls)} for the whole run," : ",")
                + $" over the host's budget of {Format(budget.MaxNetworkCalls)}.");
        }
    }

    private static ValidationIssue Issue((string NodeId, string Type, ResourceEstimate Estimate) node, string? param, string what)
    {
        var context = new NodeValidationContext(node.NodeId, [], "");
        var pointer = param is not null ? context.ParamPointer(param) : JsonPointer.Node(node.NodeId);
        return new ValidationIssue(
            ValidationCodes.OverBudget,
            $"Node \"{node.NodeId}\" ({node.Type}) {what} Lower {(param is not null ? $"\"{param}\"" : "its params")}, split the work over several runs, or raise the budget (DiffusionOptions.MaxRunElements / MaxRunNetworkCalls).",
            pointer,
            node.NodeId,
            param);
    }

    private static long Add(long a, long b) => a > long.MaxValue - b ? long.MaxValue : a + b;

    private static string Format(long value) => value >= 100_000 ? value.ToString("0.0e0", CultureInfo.InvariantCulture) : value.ToString(CultureInfo.InvariantCulture);
}
