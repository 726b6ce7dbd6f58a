using System.Diagnostics;
using System.Text.Json.Nodes;
using Diffusion.Contracts;
using Diffusion.Server;
using Diffusion.Server.Runs;

namespace Diffusion.Cluster.Execution;

/// <summary>
/// Follows one attempt's engine events into its <see cref="AttemptLog"/> the way the server's progress tracker stores
/// them: every node event, step events at most once per <c>Server:ProgressInterval</c> (plus each node's last step), and
/// the progress shown by <c>GET /v1/runs/{id}</c>. Called from node threads, hence the lock.
/// </summary>
public sealed class AttemptTracker(int nodeCount, TimeSpan interval, AttemptLog log)
{
    private readonly Lock gate = new();
    private readonly Stopwatch sinceStep = Stopwatch.StartNew();
    private readonly JsonObject metrics = [];
    private int nodesDone;
    private string? node;
    private int? step;
    private int? total;
    private bool anyStep;

    public void On(PipelineEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        if (RunEvents.FromEngine(e) is not { } stream)
        {
            return;
        }

        lock (gate)
        {
            if (e.Kind is PipelineEventKind.NodeFinished or PipelineEventKind.NodeCached)
            {
                nodesDone++;
            }

            if (e.Values is { Count: > 0 } values && e.NodeId is not null)
            {
                metrics[e.NodeId] = RunEvents.Values(values);
            }

            if (e.Kind == PipelineEventKind.NodeProgress)
            {
                (node, step, total) = (e.NodeId, e.Step, e.Total);
                var last = e.Step is { } s && e.Total is { } t && t > 0 && s >= t;
                if (anyStep && !last && sinceStep.Elapsed < interval)
                {
                    return;
                }

                anyStep = true;
                sinceStep.Restart();
            }
            else if (e.Kind == PipelineEventKind.NodeStarted)
            {
                (node, step, total) = (e.NodeId, null, null);
            }

            log.ProgressJson = ProgressJson();
            log.Events.Enqueue((stream.Kind, stream.Data.ToJsonString(ServerJson.Options)));
        }
    }

    /// <summary>The progress as stored on the run.</summary>
    public string ProgressJson()
    {
        lock (gate)
        {
            return new JsonObject
            {
                ["nodesDone"] = nodesDone,
                ["nodesTotal"] = nodeCount,
                ["node"] = node,
                ["step"] = step,
                ["total"] = total,
                ["metrics"] = metrics.DeepClone(),
            }.ToJsonString(ServerJson.Options);
        }
    }
}
