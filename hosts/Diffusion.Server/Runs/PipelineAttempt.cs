using Diffusion.Contracts;
using Diffusion.Core;
using Diffusion.Server.Queue;
using Microsoft.Extensions.Options;

namespace Diffusion.Server.Runs;

/// <summary>
/// One execution of a stored run, shared by the server's workers and the cluster's silos: reads and validates the request
/// again (the catalog or plugins may have changed since it was accepted), runs it in a fresh output folder under the
/// client's cancel, the time limit and the host stopping, and says which of them ended it. What that means for the run
/// (requeue, final state, events) is the host's business.
/// </summary>
internal sealed class PipelineAttempt(
    RunPipelineResolver resolver,
    RunFolders folders,
    IPipelineRunner runner,
    IOptions<ServerOptions> serverOptions)
{
    /// <param name="runId">The run.</param>
    /// <param name="request">What to run, as accepted.</param>
    /// <param name="sink">Where the engine's events go.</param>
    /// <param name="adjust">The host's changes to the run options (device, resume, previews).</param>
    /// <param name="cancel">A client's cancel.</param>
    /// <param name="stopping">The host stopping: the attempt ends <see cref="AttemptEnd.Interrupted"/>.</param>
    public async Task<AttemptResult> RunAsync(
        string runId,
        StoredRequest request,
        IRunEventSink sink,
        Func<RunOptions, RunOptions> adjust,
        CancellationToken cancel,
        CancellationToken stopping)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(adjust);
        var options = serverOptions.Value;
        using var timeLimit = new CancellationTokenSource(options.RunTimeLimit);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(stopping, cancel, timeLimit.Token);

        var resolved = resolver.Resolve(request);
        if (resolved.Pipeline is null)
        {
            return new AttemptResult(AttemptEnd.Failed, PipelineValidationException.Describe(resolved.Issues), resolved.Issues, null, null);
        }

        var folder = folders.Fresh(runId);
        var tracker = new ProgressTracker(resolved.Pipeline.Nodes.Count, options.ProgressInterval, options.PreviewInterval, sink);
        var runOptions = adjust(new RunOptions
        {
            RunId = runId,
            Seed = request.Seed,
            PreviewInterval = options.PreviewInterval > TimeSpan.Zero ? options.PreviewInterval : null,
            OutputDirectory = folder,
            MaxParallelism = options.MaxParallelismPerRun,
            UseCache = options.UseCache,
            InputRoots = resolved.InputRoots,
            PipelineFolderIsInputRoot = resolved.PipelineFolderIsInputRoot,
        });

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

        var progress = tracker.ProgressJson();
        // A client's cancel or the time limit wins over a host stopping at the same moment: the run has an end then.
        if (stopping.IsCancellationRequested && !cancel.IsCancellationRequested && !timeLimit.IsCancellationRequested)
        {
            return new AttemptResult(AttemptEnd.Interrupted, null, [], resolved.Pipeline, progress);
        }

        if (cancel.IsCancellationRequested)
        {
            return new AttemptResult(AttemptEnd.Cancelled, "cancelled by a client while it ran", [], resolved.Pipeline, progress);
        }

        if (timeLimit.IsCancellationRequested)
        {
            var limit = $"the run took longer than the server's time limit of {options.RunTimeLimit} (Server:RunTimeLimit) and was stopped";
            return new AttemptResult(AttemptEnd.TimedOut, limit, [], resolved.Pipeline, progress);
        }

        if (result is { Status: RunStatus.Succeeded })
        {
            return new AttemptResult(AttemptEnd.Succeeded, null, [], resolved.Pipeline, progress);
        }

        error ??= result is null ? "the run ended without a result" : string.Join(Environment.NewLine, result.Failures.Select(f => f.Message));
        return new AttemptResult(AttemptEnd.Failed, error, issues, resolved.Pipeline, progress);
    }
}
