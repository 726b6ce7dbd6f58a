using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Diffusion.Contracts;
using Diffusion.Server.Queue;

namespace Diffusion.Server.Runs;

/// <summary>
/// The event kinds of the stream and their JSON data. Every event carries <c>run</c>, <c>kind</c> and <c>time</c>;
/// node events add <c>node</c>, <c>nodeType</c> and <c>status</c>; step events <c>step</c>, <c>total</c> and
/// <c>values</c>; terminal events <c>state</c> and <c>error</c>.
/// </summary>
internal static class RunEvents
{
    public const string Queued = "queued";
    public const string Started = "started";
    public const string Node = "node";
    public const string Step = "step";
    public const string Finished = "finished";
    public const string Failed = "failed";
    public const string Cancelled = "cancelled";
    public const string Requeued = "requeued";
    public const string Preview = "preview";

    /// <summary>Whether nothing follows an event of this kind.</summary>
    public static bool IsTerminal(string kind) => kind is Finished or Failed or Cancelled;

    public static JsonObject Create(string runId, string kind) => new()
    {
        ["run"] = runId,
        ["kind"] = kind,
        ["time"] = DateTime.UtcNow.ToString("O", CultureInfo.InvariantCulture),
    };

    /// <summary>
    /// The terminal event of a run (finished, failed or cancelled by <paramref name="state"/>) with its state, error,
    /// validation issues (as <see cref="IssuesJson"/> writes them) and outputs; the server and the cluster both end runs
    /// with it, so a client reads the same event from either host.
    /// </summary>
    public static (string Kind, JsonObject Data) End(string runId, RunState state, string? error, JsonNode? issues, IReadOnlyList<RunOutput> outputs)
    {
        var kind = state switch
        {
            RunState.Succeeded => Finished,
            RunState.Cancelled => Cancelled,
            _ => Failed,
        };
        var data = Create(runId, kind);
        data["state"] = state.Name();
        if (error is not null)
        {
            data["error"] = error;
        }

        if (issues is not null)
        {
            data["issues"] = issues.DeepClone();
        }

        data["outputs"] = JsonSerializer.SerializeToNode(outputs, ServerJson.Options);
        return (kind, data);
    }

    /// <summary>Validation issues as the API shows them, or null when there are none.</summary>
    public static JsonNode? IssuesJson(IReadOnlyList<ValidationIssue> issues) =>
        issues.Count == 0 ? null : JsonSerializer.SerializeToNode(issues.Select(IssueView.From), ServerJson.Options);

    /// <summary>The stream form of an engine event, or null for the engine's own run events (the server sends its own).</summary>
    public static (string Kind, JsonObject Data)? FromEngine(PipelineEvent e)
    {
        string? status = e.Kind switch
        {
            PipelineEventKind.NodeStarted => "started",
            PipelineEventKind.NodeFinished => "finished",
            PipelineEventKind.NodeCached => "cached",
            PipelineEventKind.NodeFailed => "failed",
            PipelineEventKind.NodeSkipped => "skipped",
            _ => null,
        };
        if (e.Kind == PipelineEventKind.NodeProgress)
        {
            var data = Create(e.RunId, Step);
            data["node"] = e.NodeId;
            data["nodeType"] = e.NodeType;
            data["step"] = e.Step;
            data["total"] = e.Total;
            if (e.Message is not null)
            {
                data["message"] = e.Message;
            }

            if (e.Values is { Count: > 0 } values)
            {
                data["values"] = Values(values);
            }

            return (Step, data);
        }

        if (status is null)
        {
            return null;
        }

        var node = Create(e.RunId, Node);
        node["node"] = e.NodeId;
        node["nodeType"] = e.NodeType;
        node["status"] = status;
        if (e.Message is not null)
        {
            node["message"] = e.Message;
        }

        if (e.Elapsed is { } elapsed)
        {
            node["elapsedMs"] = Math.Round(elapsed.TotalMilliseconds, 1);
        }

        return (Node, node);
    }

    /// <summary>
    /// A <c>preview</c> event: the step it shows and where the image is (<c>url</c> serves the latest preview of the run;
    /// <c>version</c> counts previews, so a client can tell a new one and a cache never serves an old one).
    /// </summary>
    public static JsonObject PreviewOf(PipelineEvent e, long version, int bytes)
    {
        var data = Create(e.RunId, Preview);
        data["node"] = e.NodeId;
        data["nodeType"] = e.NodeType;
        data["step"] = e.Step;
        data["total"] = e.Total;
        data["version"] = version;
        data["bytes"] = bytes;
        data["url"] = $"/v1/runs/{e.RunId}/preview?v={version.ToString(CultureInfo.InvariantCulture)}";
        return data;
    }

    public static JsonObject Values(IReadOnlyDictionary<string, double> values)
    {
        var json = new JsonObject();
        foreach (var (key, value) in values)
        {
            // JSON has no NaN or infinity: such values are sent as null.
            json[key] = double.IsFinite(value) ? value : null;
        }

        return json;
    }
}
