using Diffusion.Cluster.Grains;
using Diffusion.Core;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Diffusion.Cluster.Workers;

/// <summary>Reports this silo's status to the registry every second and keeps the answer in <see cref="ClusterView"/>.</summary>
public sealed partial class WorkerReporter(
    IGrainFactory grains,
    ILocalSiloDetails silo,
    WorkerSlots slots,
    LoadedModels models,
    ClusterView view,
    IOptions<DiffusionOptions> diffusion,
    ILogger<WorkerReporter> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var registry = grains.GetGrain<IWorkerRegistryGrain>(0);
        var device = diffusion.Value.Device ?? "auto";
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var status = new WorkerStatus(silo.SiloAddress.ToString(), device, slots.Capacity, slots.Running, slots.Waiting, models.Snapshot(), DateTimeOffset.UtcNow, slots.Completed);
                view.Update(await registry.Report(status).WaitAsync(TimeSpan.FromSeconds(5), stoppingToken).ConfigureAwait(false));
                failures = 0;
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                // The silo is starting or a silo was just lost: placement uses the last picture until the next report.
                if (++failures % 10 == 1)
                {
                    LogReportFailed(logger, ex.Message);
                }
            }

            try
            {
                await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Worker status report failed: {Reason}")]
    private static partial void LogReportFailed(ILogger logger, string reason);
}
