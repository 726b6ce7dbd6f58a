using System.Text.Json.Nodes;
using Diffusion.Server.Queue;
using Diffusion.Server.Runs;

namespace Diffusion.Server.Http;

/// <summary>A run as <c>GET /v1/runs/{id}</c> and <c>GET /v1/runs</c> show it.</summary>
public sealed record RunView(
    string Id,
    RunState State,
    int Priority,
    int Attempts,
    DateTimeOffset CreatedAt,
    DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt,
    string? Pipeline,
    string? Error,
    bool CancelRequested,
    JsonNode? Progress,
    IReadOnlyList<RunOutputView> Outputs,
    RunLinks Links)
{
    internal static RunView From(RunRecord run) => new(
        run.Id,
        run.State,
        run.Priority,
        run.Attempts,
        run.CreatedAt,
        run.StartedAt,
        run.FinishedAt,
        run.Request.Name ?? "(posted)",
        run.Error,
        run.CancelRequested && !run.State.IsTerminal(),
        run.ProgressJson is null ? null : JsonNode.Parse(run.ProgressJson),
        [.. RunFolders.Deserialize(run.OutputsJson).Select(o => new RunOutputView(o.Name, o.Bytes, $"/v1/runs/{run.Id}/outputs/{Uri.EscapeDataString(o.Name).Replace("%2F", "/", StringComparison.Ordinal)}"))],
        new RunLinks($"/v1/runs/{run.Id}", $"/v1/runs/{run.Id}/events"));
}

/// <summary>A file a run wrote and where to download it.</summary>
public sealed record RunOutputView(string Name, long Bytes, string Url);

/// <summary>Where to look at a run and follow its events.</summary>
public sealed record RunLinks(string Self, string Events);

/// <summary>A page of runs, newest first; <c>Next</c> is the cursor of the following page (null at the end).</summary>
public sealed record RunPage(IReadOnlyList<RunView> Runs, long? Next);
