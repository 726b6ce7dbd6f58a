using System.Text.Json;
using System.Text.Json.Nodes;
using Diffusion.Contracts;
using Diffusion.Core;
using Diffusion.Server.Queue;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Diffusion.Server.Runs;

/// <summary>
/// Executes one claimed run: reads and validates it again, runs it in a fresh output folder with its own cancellation
/// (a client's cancel, the time limit, the server stopping), and records how it ended. A server that stops puts the run
/// back in the queue instead of ending it.
/// </summary>
internal sealed partial class RunExecutor(
    RunStore store,
    RunEventNotifier notifier,
    RunPipelineResolver resolver,
    RunFolders folders,
    ActiveRuns active,
    RunDurations durations,
    IPipelineRunner runner,
    IOptions<ServerOptions> serverOptions,
    ILogger<RunExecutor> logger)
{
    /// <summary>Executes <paramref name="run"/> on <paramref name="device"/> (null: the engine's default device).</summary>
    public async Task ExecuteAsync(RunRecord run, string? device, CancellationToken stopping)
    {
        var options = serverOptions.Value;
        using var cancel = new CancellationTokenSource();
        using var timeLimit = new CancellationTokenSource(options.RunTimeLimit);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(stopping, cancel.Token, timeLimit.Token);
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

            var resolved = resolver.Resolve(run.Request);
            if (resolved.Pipeline is null)
            {
                End(run.Id, RunState.Failed, PipelineValidationException.Describe(resolved.Issues), [], null, resolved.Issues);
                return;
            }

            var folder = folders.Fresh(run.Id);
            var tracker = new ProgressTracker(run.Id, resolved.Pipeline.Nodes.Count, options.ProgressInterval, options.PreviewInterval, store, notifier);
            var runOptions = new RunOptions
            {
                RunId = run.Id,
                Seed = run.Request.Seed,
                Device = device,
                PreviewInterval = options.PreviewInterval > TimeSpan.Zero ? options.PreviewInterval : null,
                OutputDirectory = folder,
                MaxParallelism = options.MaxParallelismPerRun,
                UseCache = options.UseCache,
                InputRoots = resolved.InputRoots,
                PipelineFolderIsInputRoot = resolved.PipelineFolderIsInputRoot,
            };

            PipelineRunResult? result = null;
            IReadOnlyList<ValidationIssue> issues = [];
            string? error = null;
            try
            {
                result = await runner.RunAsync(resolved.Pipeline, runOptions, new CallbackProgress<PipelineEvent>(tracker.On), linked.Token).ConfigureAwait(false);
            }
            catch (PipelineValidationException ex)
            {
                issues = ex.Issues;
                error = ex.Message;
            }
            catch (OperationCanceledException) when (linked.IsCancellationRequested)
            {
                // Decided below from which source cancelled.
            }

            if (stopping.IsCancellationRequested && !cancel.IsCancellationRequested && !timeLimit.IsCancellationRequested)
            {
                var requeued = RunEvents.Create(run.Id, RunEvents.Requeued);
                requeued["reason"] = "the server stopped while the run was in progress; it runs again from the start when the server is back";
                store.Requeue(run.Id, requeued);
                notifier.Signal(run.Id);
                return;
            }

            var outputs = folders.List(run.Id);
            if (cancel.IsCancellationRequested)
            {
                End(run.Id, RunState.Cancelled, "cancelled by a client while it ran", outputs, tracker.ProgressJson(), []);
            }
            else if (timeLimit.IsCancellationRequested)
            {
                End(run.Id, RunState.Failed, $"the run took longer than the server's time limit of {options.RunTimeLimit} (Server:RunTimeLimit) and was stopped", outputs, tracker.ProgressJson(), []);
            }
            else if (result is { Status: RunStatus.Succeeded })
            {
                End(run.Id, RunState.Succeeded, null, outputs, tracker.ProgressJson(), []);
            }
            else
            {
                error ??= result is null ? "the run ended without a result" : string.Join(Environment.NewLine, result.Failures.Select(f => f.Message));
                End(run.Id, RunState.Failed, error, outputs, tracker.ProgressJson(), issues);
            }
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
        var kind = state switch
        {
            RunState.Succeeded => RunEvents.Finished,
            RunState.Cancelled => RunEvents.Cancelled,
            _ => RunEvents.Failed,
        };
        var data = RunEvents.Create(runId, kind);
        data["state"] = state.Name();
        if (error is not null)
        {
            data["error"] = error;
        }

        if (issues.Count > 0)
        {
            data["issues"] = JsonSerializer.SerializeToNode(issues.Select(IssueView.From), ServerJson.Options);
        }

        data["outputs"] = JsonSerializer.SerializeToNode(outputs, ServerJson.Options);
        store.Complete(runId, state, error, RunFolders.Serialize(outputs), progressJson, kind, data);
        notifier.Signal(runId);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Run {RunId} failed inside the server")]
    private static partial void LogRunCrashed(ILogger logger, string runId, Exception exception);
}
