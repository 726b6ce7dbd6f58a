using System.Text.Json.Nodes;
using Diffusion.Contracts;
using Diffusion.Server.Queue;
using Microsoft.Extensions.Logging;

namespace Diffusion.Server.Runs;

/// <summary>
/// Executes one claimed run through a <see cref="PipelineAttempt"/> with its own cancel, stores its events, and records
/// how it ended. A server that stops puts the run back in the queue instead of ending it.
/// </summary>
internal sealed partial class RunExecutor(
    RunStore store,
    RunEventNotifier notifier,
    PipelineAttempt pipelineAttempt,
    RunFolders folders,
    ActiveRuns active,
    RunDurations durations,
    ILogger<RunExecutor> logger)
{
    /// <summary>Executes <paramref name="run"/> on <paramref name="device"/> (null: the engine's default device).</summary>
    public async Task ExecuteAsync(RunRecord run, string? device, CancellationToken stopping)
    {
        using var cancel = new CancellationTokenSource();
        active.Add(run.Id, cancel);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        try
        {
            // A cancel that arrived between the claim and Add above flagged the run in the database only.
            if (store.Get(run.Id)?.CancelRequested == true)
            {
                await cancel.CancelAsync().ConfigureAwait(false);
            }

            var started = RunEvents.Create(run.Id, RunEvents.Started);
            started["attempt"] = run.Attempts;
            if (device is not null)
            {
                started["device"] = device;
            }

            Append(run.Id, RunEvents.Started, started);

            var attempt = await pipelineAttempt.RunAsync(
                run.Id,
                run.Request,
                new StoreEventSink(run.Id, store, notifier),
                runOptions => runOptions with { Device = device },
                cancel.Token,
                stopping).ConfigureAwait(false);

            if (attempt.End == AttemptEnd.Interrupted)
            {
                var requeued = RunEvents.Create(run.Id, RunEvents.Requeued);
                requeued["reason"] = "the server stopped while the run was in progress; it runs again from the start when the server is back";
                store.Requeue(run.Id, requeued);
                notifier.Signal(run.Id);
                return;
            }

            // A run that never validated wrote nothing; any other keeps what its nodes wrote, whatever its end.
            var outputs = attempt.Pipeline is null ? [] : folders.List(run.Id);
            var state = attempt.End switch
            {
                AttemptEnd.Succeeded => RunState.Succeeded,
                AttemptEnd.Cancelled => RunState.Cancelled,
                _ => RunState.Failed,
            };
            End(run.Id, state, attempt.Error, outputs, attempt.ProgressJson, attempt.Issues);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Anything else is the server's fault, not the pipeline's: the run is failed with the reason and the worker goes on.
            LogRunCrashed(logger, run.Id, ex);
            End(run.Id, RunState.Failed, $"internal error of the server ({ex.GetType().Name}): {ex.Message}", folders.List(run.Id), null, []);
        }
        finally
        {
            active.Remove(run.Id);
            durations.Add(clock.Elapsed);
        }
    }

    private void Append(string runId, string kind, JsonObject data)
    {
        store.AppendEvent(runId, kind, data);
        notifier.Signal(runId);
    }

    private void End(string runId, RunState state, string? error, IReadOnlyList<RunOutput> outputs, string? progressJson, IReadOnlyList<ValidationIssue> issues)
    {
        var (kind, data) = RunEvents.End(runId, state, error, RunEvents.IssuesJson(issues), outputs);
        store.Complete(runId, state, error, RunFolders.Serialize(outputs), progressJson, kind, data);
        notifier.Signal(runId);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Run {RunId} failed inside the server")]
    private static partial void LogRunCrashed(ILogger logger, string runId, Exception exception);
}
