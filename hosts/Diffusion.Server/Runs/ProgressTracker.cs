using System.Diagnostics;
using System.Text.Json.Nodes;
using Diffusion.Contracts;

namespace Diffusion.Server.Runs;

/// <summary>
/// Follows one execution's engine events: keeps the run's progress (nodes done, the current node's step, the latest
/// values per node) and stores the events clients see. Step events are stored at most once per
/// <see cref="ServerOptions.ProgressInterval"/> (plus each node's last step), so a 1,000-step sampler costs a few writes
/// a second; every other event is stored. A live client and one that reconnects see the same stored sequence.
/// A step that carries a preview replaces the run's stored preview (only the latest is kept) and adds a
/// <c>preview</c> event, at most once per <paramref name="previewInterval"/> per run whatever the nodes send.
/// The events go to an <see cref="IRunEventSink"/>: the server's store, or a cluster attempt's log.
/// Called from node threads, hence the lock.
/// </summary>
internal sealed class ProgressTracker(int nodeCount, TimeSpan interval, TimeSpan previewInterval, IRunEventSink sink)
{
    private readonly Lock gate = new();
    private readonly Stopwatch sinceStep = Stopwatch.StartNew();
    private readonly Stopwatch sincePreview = Stopwatch.StartNew();
    private bool anyPreview;
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
                if (e.Preview is { Length: > 0 } png && previewInterval > TimeSpan.Zero && (!anyPreview || sincePreview.Elapsed >= previewInterval))
                {
                    anyPreview = true;
                    sincePreview.Restart();
                    sink.Preview(e, png);
                }

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

            sink.Append(stream.Kind, stream.Data, ProgressJson());
        }
    }

    /// <summary>The progress as stored on the run (and shown by <c>GET /v1/runs/{id}</c>).</summary>
    public string ProgressJson()
    {
        lock (gate)
        {
            var progress = new JsonObject
            {
                ["nodesDone"] = nodesDone,
                ["nodesTotal"] = nodeCount,
                ["node"] = node,
                ["step"] = step,
                ["total"] = total,
                ["metrics"] = metrics.DeepClone(),
            };
            return progress.ToJsonString(ServerJson.Options);
        }
    }
}
