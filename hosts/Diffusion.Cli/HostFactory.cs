using Diffusion.Cli.Commands;
using Diffusion.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Diffusion.Cli;

/// <summary>Builds the CLI's service provider the same way an embedding app would: <c>AddDiffusion</c> plus logging.</summary>
internal static class HostFactory
{
    public static string BuiltInPluginFolder => Path.Combine(AppContext.BaseDirectory, "plugins");

    public static ServiceProvider Create(GlobalSettings settings, Action<DiffusionOptions>? configure = null)
    {
        var services = new ServiceCollection();
        services.AddLogging(logging =>
        {
            logging.AddSimpleConsole(o =>
            {
                o.SingleLine = true;
                o.TimestampFormat = "HH:mm:ss ";
            });
            logging.SetMinimumLevel(settings.Verbose ? LogLevel.Debug : LogLevel.Warning);
            // Refused plugins are printed as plain warnings by the commands (PluginWarnings); the engine's plugin report
            // (every loaded plugin, every refusal) is shown with --verbose only, so nothing is said twice.
            logging.AddFilter(typeof(PluginInventory).FullName, settings.Verbose ? LogLevel.Debug : LogLevel.None);
            logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        });
        services.AddDiffusion(options =>
        {
            options.Device = settings.Device;
            options.Threads = settings.Threads;
            if (!settings.NoBuiltInPlugins && Directory.Exists(BuiltInPluginFolder))
            {
                options.PluginPaths.Add(BuiltInPluginFolder);
            }

            var fromEnvironment = Environment.GetEnvironmentVariable("DIFFUSION_PLUGINS");
            foreach (var path in (fromEnvironment ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                options.PluginPaths.Add(path);
            }

            foreach (var path in settings.Plugins)
            {
                options.PluginPaths.Add(path);
            }

            configure?.Invoke(options);
        });
        return services.BuildServiceProvider();
    }
}
