using Diffusion.Contracts;

namespace Diffusion.Core;

/// <summary>The outcome of a run.</summary>
/// <param name="RunId">The run id.</param>
/// <param name="Status">How it ended.</param>
/// <param name="Outputs">Outputs of every node that completed, by node id.</param>
/// <param name="Failures">Nodes that failed.</param>
/// <param name="Skipped">Nodes that did not run (a dependency failed, or the run was cancelled).</param>
/// <param name="Elapsed">Wall time.</param>
public sealed record PipelineRunResult(
    string RunId,
    RunStatus Status,
    IReadOnlyDictionary<string, NodeOutputs> Outputs,
    IReadOnlyList<NodeFailure> Failures,
    IReadOnlyList<string> Skipped,
    TimeSpan Elapsed)
{
    /// <summary>One output value, e.g. <c>Output&lt;MetricSet&gt;("eval", "metrics")</c>.</summary>
    public T Output<T>(string node, string port)
    {
        if (!Outputs.TryGetValue(node, out var outputs) || !outputs.Values.TryGetValue(port, out var value))
        {
            throw new KeyNotFoundException($"Run {RunId} has no output \"{node}.{port}\" (status {Status}).");
        }

        return (T)value;
    }
}
