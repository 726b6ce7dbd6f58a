using Diffusion.Cluster.Grains;
using Diffusion.Contracts;
using Diffusion.Server;
using Diffusion.Server.Queue;
using Diffusion.Server.Runs;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Diffusion.Cluster.Execution;

/// <summary>
/// Executes one attempt of a run on this silo, off the grain's thread, through the server's <see cref="PipelineAttempt"/>:
/// in a fresh folder of the shared data folder with the files of nodes earlier attempts completed put back, and says how
/// it ended. Events go to the <see cref="AttemptLog"/>.
/// </summary>
internal sealed partial class ClusterRunExecutor(
    PipelineAttempt pipelineAttempt,
    RunFolders folders,
    IOptions<ServerOptions> serverOptions,
    IHostApplicationLifetime lifetime,
    ILogger<ClusterRunExecutor> logger)
{
    /// <summary>The content-addressed store of node files, in the shared data folder.</summary>
    public string FileStore => Path.Combine(Path.GetFullPath(serverOptions.Value.DataDirectory), "cas");

    public async Task<AttemptOutcome> ExecuteAsync(
        string runId,
        StoredRequest request,
        IReadOnlyDictionary<string, List<StoredFile>> completed,
        AttemptLog log,
        CancellationToken cancel,
        CancellationToken stopping)
    {
        // The silo's host stopping (a graceful stop, or a test killing an in-process silo) stops the attempt too: no
        // attempt outlives its silo to write into a folder that the next attempt of the run owns.
        using var silo = CancellationTokenSource.CreateLinkedTokenSource(stopping, lifetime.ApplicationStopping);
        IReadOnlyList<string> modelKeys = [];
        try
        {
            var attempt = await pipelineAttempt.RunAsync(
                runId,
                request,
                new AttemptLogSink(log),
                runOptions => runOptions with { PreviewInterval = null, Resume = new SharedNodeFiles(FileStore, completed, log) },
                cancel,
                silo.Token).ConfigureAwait(false);

            if (attempt.Pipeline is null)
            {
                return new AttemptOutcome(RunState.Failed, attempt.Error, RunEvents.IssuesJson(attempt.Issues), [], []);
            }

            modelKeys = ModelKeys.Of(attempt.Pipeline);
            log.ProgressJson = attempt.ProgressJson;
            if (attempt.End == AttemptEnd.Interrupted)
            {
                return new AttemptOutcome(null, "the silo stopped during the attempt", null, [], modelKeys);
            }

            var state = attempt.End switch
            {
                AttemptEnd.Succeeded => RunState.Succeeded,
                AttemptEnd.Cancelled => RunState.Cancelled,
                _ => RunState.Failed,
            };
            return new AttemptOutcome(state, attempt.Error, RunEvents.IssuesJson(attempt.Issues), folders.List(runId), modelKeys);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Anything else is the worker's fault, not the pipeline's: the run is failed with the reason.
            LogRunCrashed(logger, runId, ex);
            return new AttemptOutcome(RunState.Failed, $"internal error of the worker ({ex.GetType().Name}): {ex.Message}", null, folders.List(runId), modelKeys);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Run {RunId} failed inside the worker")]
    private static partial void LogRunCrashed(ILogger logger, string runId, Exception exception);
}
