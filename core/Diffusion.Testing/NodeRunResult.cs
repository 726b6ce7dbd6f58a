using Diffusion.Contracts;
using Diffusion.Core;

namespace Diffusion.Testing;

/// <summary>The outcome of <see cref="PluginTestHost.RunNodeAsync"/>: the run, and the outputs of the node under test.</summary>
/// <param name="Run">The whole run (status, failures, elapsed time).</param>
/// <param name="NodeId">The id of the node under test in that run.</param>
public sealed record NodeRunResult(PipelineRunResult Run, string NodeId)
{
    /// <summary>Whether the node ran to completion.</summary>
    public bool Succeeded => Run.Status == RunStatus.Succeeded;

    /// <summary>The node's failure message, or null when it succeeded.</summary>
    public string? Failure => Run.Failures.FirstOrDefault(f => f.NodeId == NodeId)?.Message;

    /// <summary>One output of the node; throws with the failure message when the node did not succeed.</summary>
    public T Output<T>(string port)
    {
        if (!Succeeded)
        {
            throw new InvalidOperationException($"Node {NodeId} did not succeed ({Run.Status}): {Failure ?? string.Join("; ", Run.Failures.Select(f => f.Message))}");
        }

        return Run.Output<T>(NodeId, port);
    }
}
