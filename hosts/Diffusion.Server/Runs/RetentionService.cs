using Diffusion.Server.Queue;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Diffusion.Server.Runs;

/// <summary>
/// Deletes old runs when <see cref="ServerOptions.Retention"/> is set: every <see cref="ServerOptions.RetentionSweepInterval"/>,
/// runs that ended longer ago than the retention go, with their events, preview and output folder. Queued and running
/// runs are never deleted (they have no end time, and the store checks the state in the delete itself).
/// </summary>
internal sealed partial class RetentionService(RunStore store, RunFolders folders, IOptions<ServerOptions> serverOptions, TimeProvider clock, ILogger<RetentionService> logger)
    : BackgroundService
{
    /// <summary>Runs deleted per database transaction, so a large backlog never holds the writer for long.</summary>
    private const int Batch = 200;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var options = serverOptions.Value;
        if (options.Retention is not { } retention)
        {
            return;
        }

        using var timer = new PeriodicTimer(options.RetentionSweepInterval, clock);
        do
        {
            try
            {
                Sweep(retention);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // A locked database or a busy folder must not end the service; the next sweep tries again.
                LogSweepFailed(logger, ex);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    /// <summary>Deletes every run that ended before now − <paramref name="retention"/>; returns how many.</summary>
    internal int Sweep(TimeSpan retention)
    {
        var cutoff = clock.GetUtcNow() - retention;
        var deleted = 0;
        while (true)
        {
            var ids = store.DeleteEndedBefore(cutoff, Batch);
            foreach (var id in ids)
            {
                folders.Delete(id);
            }

            deleted += ids.Count;
            if (ids.Count < Batch)
            {
                break;
            }
        }

        if (deleted > 0)
        {
            LogDeleted(logger, deleted, retention);
        }

        return deleted;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Retention deleted {Count} runs that ended more than {Retention} ago")]
    private static partial void LogDeleted(ILogger logger, int count, TimeSpan retention);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A retention sweep failed; the next one tries again")]
    private static partial void LogSweepFailed(ILogger logger, Exception exception);
}
