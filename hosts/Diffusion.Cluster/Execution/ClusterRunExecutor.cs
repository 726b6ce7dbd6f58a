using System.Text.Json;
using Diffusion.Cluster.Grains;
using Diffusion.Contracts;
using Diffusion.Core;
using Diffusion.Server;
using Diffusion.Server.Queue;
using Diffusion.Server.Runs;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Diffusion.Cluster.Execution;

/// <summary>
/// Executes one attempt of a run on this silo, off the grain's thread: reads and validates the stored request again
/// (as the server's workers do), runs it in a fresh folder of the shared data folder with the files of nodes earlier
/// attempts completed put back, and says how it ended. Events go to the <see cref="AttemptLog"/>.
/// </summary>
internal sealed partial class ClusterRunExecutor(
    RunPipelineResolver resolver,
    RunFolders folders,
    IPipelineRunner runner,
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
        var options = serverOptions.Value;
        using var timeLimit = new CancellationTokenSource(options.RunTimeLimit);
        // The silo's host stopping (a graceful stop, or a test killing an in-process silo) stops the attempt too: no
        // attempt outlives its silo to write into a folder that the next attempt of the run owns.
        using var silo = CancellationTokenSource.CreateLinkedTokenSource(stopping, lifetime.ApplicationStopping);
        stopping = silo.Token;
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(stopping, cancel, timeLimit.Token);
        IReadOnlyList<string> modelKeys = [];
        try
        {
            var resolved = resolver.Resolve(request);
            if (resolved.Pipeline is null)
            {
                return new AttemptOutcome(RunState.Failed, PipelineValidationException.Describe(resolved.Issues), IssuesJson(resolved.Issues), [], []);
            }

            modelKeys = ModelKeys.Of(resolved.Pipeline);
            var folder = folders.Fresh(runId);
            var tracker = new AttemptTracker(resolved.Pipeline.Nodes.Count, options.ProgressInterval, log);
            var runOptions = new RunOptions
            {
                RunId = runId,
                Seed = request.Seed,
                OutputDirectory = folder,
                MaxParallelism = options.MaxParallelismPerRun,
                UseCache = options.UseCache,
                InputRoots = resolved.InputRoots,
                PipelineFolderIsInputRoot = resolved.PipelineFolderIsInputRoot,
                Resume = new SharedNodeFiles(FileStore, completed, log),
            };

            PipelineRunResult? result = null;
            string? error = null;
            IReadOnlyList<ValidationIssue> issues = [];
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

            log.ProgressJson = tracker.ProgressJson();
            if (stopping.IsCancellationRequested && !cancel.IsCancellationRequested && !timeLimit.IsCancellationRequested)
            {
                return new AttemptOutcome(null, "the silo stopped during the attempt", null, [], modelKeys);
            }

            var outputs = folders.List(runId);
            if (cancel.IsCancellationRequested)
            {
                return new AttemptOutcome(RunState.Cancelled, "cancelled by a client while it ran", null, outputs, modelKeys);
            }

            if (timeLimit.IsCancellationRequested)
            {
                return new AttemptOutcome(RunState.Failed, $"the run took longer than the server's time limit of {options.RunTimeLimit} (Server:RunTimeLimit) and was stopped", null, outputs, modelKeys);
            }

            if (result is { Status: RunStatus.Succeeded })
            {
                return new AttemptOutcome(RunState.Succeeded, null, null, outputs, modelKeys);
            }

            error ??= result is null ? "the run ended without a result" : string.Join(Environment.NewLine, result.Failures.Select(f => f.Message));
            return new AttemptOutcome(RunState.Failed, error, issues.Count > 0 ? IssuesJson(issues) : null, outputs, modelKeys);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Anything else is the worker's fault, not the pipeline's: the run is failed with the reason.
            LogRunCrashed(logger, runId, ex);
            return new AttemptOutcome(RunState.Failed, $"internal error of the worker ({ex.GetType().Name}): {ex.Message}", null, folders.List(runId), modelKeys);
        }
    }

    private static System.Text.Json.Nodes.JsonNode? IssuesJson(IReadOnlyList<ValidationIssue> issues) =>
        JsonSerializer.SerializeToNode(issues.Select(IssueView.From), ServerJson.Options);

    [LoggerMessage(Level = LogLevel.Error, Message = "Run {RunId} failed inside the worker")]
    private static partial void LogRunCrashed(ILogger logger, string runId, Exception exception);
}
