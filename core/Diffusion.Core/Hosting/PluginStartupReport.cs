using Diffusion.Core.Plugins;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Diffusion.Core;

/// <summary>
/// Writes what plugin loading found — each loaded plugin, and a warning per refused one with its reason — to the app's
/// own logger, once: when a Generic Host starts, or when the first <see cref="IPipelineRunner"/> is created in an app
/// without one. (Plugins load while services are still being registered, before any logger exists.)
/// </summary>
public sealed class PluginStartupReport(PluginInventory inventory, ILogger<PluginInventory> logger) : IHostedService
{
    private int written;

    /// <summary>Writes the report unless it was written already.</summary>
    public void WriteOnce()
    {
        if (Interlocked.Exchange(ref written, 1) == 1)
        {
            return;
        }

        foreach (var plugin in inventory.Loaded)
        {
            PluginLoaderLog.Loaded(logger, plugin.Manifest.Id, plugin.Manifest.Version, plugin.Folder, string.Join(", ", plugin.NodeTypes));
        }

        foreach (var failure in inventory.Failed)
        {
            PluginLoaderLog.Refused(logger, failure.Kind, failure.Message);
        }
    }

    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken)
    {
        WriteOnce();
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
