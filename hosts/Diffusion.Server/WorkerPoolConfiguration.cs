using Microsoft.Extensions.Configuration;

namespace Diffusion.Server;

/// <summary>
/// Reads the list form of <c>Server:Workers</c> (<c>[{ "Device": "cpu", "Count": 2 }, ...]</c>) into
/// <see cref="ServerOptions.DeviceWorkers"/>. The plain number form binds to <see cref="ServerOptions.Workers"/> as
/// before; one key serves both so an operator writes workers the same way in either case.
/// </summary>
internal static class WorkerPoolConfiguration
{
    public static void Apply(IConfigurationSection workers, ServerOptions options)
    {
        var entries = workers.GetChildren().ToList();
        if (entries.Count == 0)
        {
            return;
        }

        options.DeviceWorkers.Clear();
        foreach (var entry in entries)
        {
            var pool = new DeviceWorkerPool();
            entry.Bind(pool);
            options.DeviceWorkers.Add(pool);
        }

        // The total, which the queue's Retry-After estimate and the health answer use.
        options.Workers = options.DeviceWorkers.Sum(p => Math.Max(0, p.Count));
    }
}
