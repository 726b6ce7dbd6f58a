using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Diffusion.Server.Queue;
using Diffusion.Server.Runs;
using Diffusion.Torch.Files;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Extensions.Options;

namespace Diffusion.Server.Http;

/// <summary>The <c>/v1/runs</c> endpoints: submit, look, follow, cancel, download, list.</summary>
internal static partial class RunEndpoints
{
    private static readonly FileExtensionContentTypeProvider ContentTypes = new();

    public static void Map(IEndpointRouteBuilder routes)
    {
        var runs = routes.MapGroup("/v1/runs").WithTags("runs");
        runs.MapPost("/", SubmitAsync)
            .WithName("SubmitRun")
            .WithSummary("Queue a run: {\"pipeline\": {...}} or {\"name\": \"...\", \"set\": [\"node.params.key=value\"]}, optional priority and seed.")
            .Produces<RunView>(StatusCodes.Status202Accepted)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);
        runs.MapGet("/", ListAsync).WithName("ListRuns").WithSummary("Runs, newest first, a page at a time (limit, before, state).")
            .Produces<RunPage>().ProducesProblem(StatusCodes.Status400BadRequest);
        runs.MapGet("/{id}", GetAsync).WithName("GetRun").WithSummary("A run's state, progress, error and outputs.")
            .Produces<RunView>().ProducesProblem(StatusCodes.Status404NotFound);
        runs.MapGet("/{id}/events", StreamEventsAsync).WithName("RunEvents")
            .WithSummary("Server-sent events of a run from the start, or after Last-Event-ID (header) / after (query); ends after the run ends.")
            .Produces(StatusCodes.Status200OK, contentType: "text/event-stream").ProducesProblem(StatusCodes.Status404NotFound);
        runs.MapDelete("/{id}", CancelAsync).WithName("CancelRun").WithSummary("Cancels this run (queued: at once; running: the worker stops it).")
            .Produces<RunView>(StatusCodes.Status202Accepted).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        runs.MapGet("/{id}/outputs/{**name}", OutputAsync).WithName("GetRunOutput").WithSummary("A file the run wrote, by the name listed in its outputs.")
            .Produces(StatusCodes.Status200OK, contentType: "application/octet-stream").ProducesProblem(StatusCodes.Status404NotFound);
    }

    private static async Task<IResult> SubmitAsync(
        HttpContext context,
        IRunService runs,
        RunPipelineResolver resolver,
        RunDurations durations,
        IOptions<ServerOptions> options)
    {
        var (submission, problem) = await SubmissionReader.ReadAsync(context.Request, options.Value, context.RequestAborted).ConfigureAwait(false);
        if (problem is not null)
        {
            return problem;
        }

        var resolved = resolver.Resolve(submission!.Request);
        if (resolved.Pipeline is null)
        {
            return Problems.Invalid(resolved.Issues);
        }

        var id = Guid.CreateVersion7().ToString("N");
        var outcome = await runs.SubmitAsync(id, submission.Priority, submission.Request, options.Value.MaxQueuedRuns, context.RequestAborted).ConfigureAwait(false);
        if (!outcome.Accepted)
        {
            var retryAfter = durations.RetryAfterSeconds(outcome.Queued, options.Value.Workers);
            context.Response.Headers.RetryAfter = retryAfter.ToString(CultureInfo.InvariantCulture);
            return Problems.Of(StatusCodes.Status429TooManyRequests, "queue_full", "The queue is full",
                $"{outcome.Queued} runs are waiting, the most this server queues (Server:MaxQueuedRuns); submit again in about {retryAfter} s (Retry-After).");
        }

        context.Response.Headers.Location = $"/v1/runs/{id}";
        return Results.Json(RunView.From(outcome.Run!), ServerJson.Options, statusCode: StatusCodes.Status202Accepted);
    }

    private static async Task<IResult> ListAsync(IRunService runs, IOptions<ServerOptions> options, int? limit, long? before, string? state, CancellationToken cancellationToken)
    {
        var max = options.Value.MaxPageSize;
        if (limit is < 1 || limit > max)
        {
            return Problems.BadRequest("invalid_query", $"limit is from 1 to {max} (default 50).", "limit");
        }

        RunState? filter = null;
        if (state is not null)
        {
            if (!Enum.TryParse<RunState>(state, ignoreCase: true, out var parsed) || !Enum.IsDefined(parsed) || int.TryParse(state, out _))
            {
                return Problems.BadRequest("invalid_query", $"state \"{Problems.Printable(state)}\" is none of queued, running, succeeded, failed, cancelled.", "state");
            }

            filter = parsed;
        }

        var size = limit ?? Math.Min(50, max);
        var page = await runs.ListAsync(before, size + 1, filter, cancellationToken).ConfigureAwait(false);
        var views = page.Take(size).Select(RunView.From).ToList();
        return Results.Json(new RunPage(views, page.Count > size ? page[size - 1].Sequence : null), ServerJson.Options);
    }

    private static async Task<IResult> GetAsync(string id, IRunService runs, CancellationToken cancellationToken) =>
        await FindAsync(id, runs, cancellationToken).ConfigureAwait(false) is { } run ? Results.Json(RunView.From(run), ServerJson.Options) : Problems.RunNotFound(id);

    private static async Task<IResult> CancelAsync(string id, IRunService runs, CancellationToken cancellationToken)
    {
        if (!RunId().IsMatch(id))
        {
            return Problems.RunNotFound(id);
        }

        var state = await runs.CancelAsync(id, cancellationToken).ConfigureAwait(false);
        switch (state)
        {
            case null:
                return Problems.RunNotFound(id);
            case RunState.Queued or RunState.Running:
                break;
            default:
                return Problems.Of(StatusCodes.Status409Conflict, "run_finished", "The run has already ended",
                    $"Run {id} ended as {state.Value.Name()}; there is nothing to cancel. Its outputs and events stay available.");
        }

        return Results.Json(RunView.From((await runs.GetAsync(id, cancellationToken).ConfigureAwait(false))!), ServerJson.Options, statusCode: StatusCodes.Status202Accepted);
    }

    private static async Task<IResult> OutputAsync(string id, string name, IRunService runs, RunFolders folders, CancellationToken cancellationToken)
    {
        if (await FindAsync(id, runs, cancellationToken).ConfigureAwait(false) is not { } run)
        {
            return Problems.RunNotFound(id);
        }

        // The name is matched against the list the server made when the run ended; it is never joined to a path itself.
        var output = RunFolders.Deserialize(run.OutputsJson).FirstOrDefault(o => string.Equals(o.Name, name, StringComparison.Ordinal));
        if (output is null)
        {
            return Problems.Of(StatusCodes.Status404NotFound, "output_not_found", "No such output",
                $"Run {id} has no output \"{Problems.Printable(name)}\"{(run.State.IsTerminal() ? "" : " yet (outputs are listed when the run ends)")}; GET /v1/runs/{id} lists its outputs.");
        }

        var folder = folders.Of(run.Id);
        var path = Path.GetFullPath(Path.Combine(folder, output.Name.Replace('/', Path.DirectorySeparatorChar)));
        if (!path.StartsWith(folder + Path.DirectorySeparatorChar, StringComparison.Ordinal) || FileProbe.Inspect(path, followLinks: false).Kind != FileEntryKind.RegularFile)
        {
            return Problems.Of(StatusCodes.Status404NotFound, "output_not_found", "No such output", $"Output \"{Problems.Printable(name)}\" of run {id} is no longer a regular file in the run's folder.");
        }

        var contentType = ContentTypes.TryGetContentType(path, out var known) ? known : "application/octet-stream";
        return Results.File(path, contentType, fileDownloadName: Path.GetFileName(path), enableRangeProcessing: true);
    }

    private static async Task StreamEventsAsync(HttpContext context, string id, long? after, IRunService runs, IOptions<ServerOptions> options)
    {
        if (await FindAsync(id, runs, context.RequestAborted).ConfigureAwait(false) is null)
        {
            await Problems.RunNotFound(id).ExecuteAsync(context).ConfigureAwait(false);
            return;
        }

        var last = after ?? 0;
        if (long.TryParse(context.Request.Headers["Last-Event-ID"].ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var resumeFrom))
        {
            last = resumeFrom;
        }

        var response = context.Response;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
        var aborted = context.RequestAborted;
        try
        {
            await response.WriteAsync("retry: 2000\n\n", aborted).ConfigureAwait(false);
            await response.Body.FlushAsync(aborted).ConfigureAwait(false);
            while (!aborted.IsCancellationRequested)
            {
                var events = await runs.ReadEventsAsync(id, last, 256, aborted).ConfigureAwait(false);
                var ended = false;
                if (events.Count > 0)
                {
                    var text = new StringBuilder();
                    foreach (var e in events)
                    {
                        text.Append("id: ").Append(e.Id.ToString(CultureInfo.InvariantCulture)).Append('\n')
                            .Append("event: ").Append(e.Kind).Append('\n')
                            .Append("data: ").Append(e.Data).Append("\n\n");
                        last = e.Id;
                        ended |= RunEvents.IsTerminal(e.Kind);
                    }

                    await response.WriteAsync(text.ToString(), aborted).ConfigureAwait(false);
                    await response.Body.FlushAsync(aborted).ConfigureAwait(false);
                    if (events.Count == 256)
                    {
                        continue;
                    }
                }

                if (ended || (events.Count == 0 && await runs.GetAsync(id, aborted).ConfigureAwait(false) is { } run && run.State.IsTerminal() && run.LastEventId <= last))
                {
                    return;
                }

                // The run service never misses an event stored after the read above (docs/adr/0014).
                if (!await runs.WaitForEventsAsync(id, last, options.Value.EventStreamKeepAlive, aborted).ConfigureAwait(false))
                {
                    await response.WriteAsync(": keep-alive\n\n", aborted).ConfigureAwait(false);
                    await response.Body.FlushAsync(aborted).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
            // The client went away.
        }
    }

    private static async Task<RunRecord?> FindAsync(string id, IRunService runs, CancellationToken cancellationToken) =>
        RunId().IsMatch(id) ? await runs.GetAsync(id, cancellationToken).ConfigureAwait(false) : null;

    [GeneratedRegex("^[0-9a-f]{32}$")]
    private static partial Regex RunId();
}
