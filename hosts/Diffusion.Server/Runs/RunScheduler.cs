using Diffusion.Server.Queue;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Diffusion.Server.Runs;

/// <summary>
/// The workers: on start, first settles runs a killed process left <c>running</c> (re-queued or failed, by
/// <see cref="ServerOptions.InterruptedRuns"/>), then runs one loop per worker (<see cref="ServerOptions.Workers"/> on
/// the engine's device, or each pool of <see cref="ServerOptions.DeviceWorkers"/> on its device) that takes the next
/// queued run (priority, then age) and executes it on the worker's device. Stopping cancels the runs in progress, which go back to the queue.
/// </summary>
internal sealed partial class RunScheduler(
    RunStore store,
    RunExecutor executor,
    RunEventNotifier notifier,
    QueueSignal signal,
    IOptions<ServerOptions> serverOptions,
    ILogger<RunScheduler> logger) : BackgroundService
{
    public override Task StartAsync(CancellationToken cancellationToken)
    {
        RecoverInterrupted();
        return base.StartAsync(cancellationToken);
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(WorkerDevices(serverOptions.Value).Select(device => Task.Run(() => WorkAsync(device, stoppingToken), CancellationToken.None)));

    /// <summary>One entry per worker: its device, or null for the engine's default (the plain <c>Workers</c> number).</summary>
    internal static IReadOnlyList<string?> WorkerDevices(ServerOptions options) => options.DeviceWorkers.Count == 0
        ? [.. Enumerable.Repeat<string?>(null, options.Workers)]
        : [.. options.DeviceWorkers.SelectMany(pool => Enumerable.Repeat<string?>(pool.Device, pool.Count))];

    private async Task WorkAsync(string? device, CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            RunRecord? run;
            try
            {
                run = store.ClaimNext();
                if (run is null)
                {
                    await signal.WaitAsync(TimeSpan.FromSeconds(1), stopping).ConfigureAwait(false);
                    continue;
                }

                await executor.ExecuteAsync(run, device, stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // A database error must not end the worker; it retries after a pause.
                LogWorkerError(logger, ex);
                await Task.Delay(TimeSpan.FromSeconds(1), CancellationToken.None).ConfigureAwait(false);
            }
        }
    }

    private void RecoverInterrupted()
    {
        var options = serverOptions.Value;
        foreach (var run in store.Running())
        {
            if (run.CancelRequested)
            {
                var cancelled = RunEvents.Create(run.Id, RunEvents.Cancelled);
                cancelled["state"] = RunState.Cancelled.Name();
                cancelled["error"] = "cancelled by a client; the server stopped before the run ended";
                store.Complete(run.Id, RunState.Cancelled, "cancelled by a client; the server stopped before the run ended", null, null, RunEvents.Cancelled, cancelled);
            }
            else if (options.InterruptedRuns == InterruptedRunPolicy.Requeue && run.Attempts < options.MaxAttempts)
            {
                var requeued = RunEvents.Create(run.Id, RunEvents.Requeued);
                requeued["reason"] = $"the server stopped (killed or crashed) during attempt {run.Attempts}; queued again";
                store.Requeue(run.Id, requeued);
                LogRequeued(logger, run.Id, run.Attempts);
            }
            else
            {
                var reason = options.InterruptedRuns == InterruptedRunPolicy.Requeue
                    ? $"the server stopped (killed or crashed) during attempt {run.Attempts} of at most {options.MaxAttempts} (Server:MaxAttempts)"
                    : "the server stopped (killed or crashed) while the run was in progress (Server:InterruptedRuns is Fail)";
                var failed = RunEvents.Create(run.Id, RunEvents.Failed);
                failed["state"] = RunState.Failed.Name();
                failed["error"] = reason;
                store.Complete(run.Id, RunState.Failed, reason, null, null, RunEvents.Failed, failed);
                LogFailed(logger, run.Id, reason);
            }

            notifier.Signal(run.Id);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "A run worker hit an error; it goes on after a pause")]
    private static partial void LogWorkerError(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Run {RunId} was interrupted during attempt {Attempt}; queued again")]
    private static partial void LogRequeued(ILogger logger, string runId, int attempt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Run {RunId} was interrupted and is failed: {Reason}")]
    private static partial void LogFailed(ILogger logger, string runId, string reason);
}
