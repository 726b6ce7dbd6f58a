using Diffusion.Cli.Commands;
using Diffusion.Cli.Rendering;
using Diffusion.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace Diffusion.Cli;

/// <summary>Builds the CLI's service provider the same way an embedding app would: <c>AddDiffusion</c> plus logging.</summary>
internal static class HostFactory
{
    public static string BuiltInPluginFolder => Path.Combine(AppContext.BaseDirectory, "plugins");

    public static ServiceProvider Create(GlobalSettings settings, Action<DiffusionOptions>? configure = null)
    {
        var services = new ServiceCollection();
        // Log messages carry node ids, labels and file names from pipelines: printed through a formatter that escapes
        // control characters (TerminalText).
        services.AddLogging(logging =>
        {
            logging.AddConsole(o =>
            {
                o.LogToStandardErrorThreshold = LogLevel.Trace;
                o.FormatterName = SanitizingConsoleFormatter.FormatterName;
            });
            logging.AddConsoleFormatter<SanitizingConsoleFormatter, ConsoleFormatterOptions>();
            logging.SetMinimumLevel(settings.Verbose ? LogLevel.Debug : LogLevel.Warning);
            // Refused plugins are printed as plain warnings by the commands (PluginWarnings); the engine's plugin report
            // (every loaded plugin, every refusal) is shown with --verbose only, so nothing is said twice.
            logging.AddFilter(typeof(PluginInventory).FullName, settings.Verbose ? LogLevel.Debug : LogLevel.None);
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

            if (settings is PipelineFileSettings pipelineSettings)
            {
                foreach (var root in pipelineSettings.InputRoots)
                {
                    options.InputRoots.Add(root);
                }
            }

            configure?.Invoke(options);
        });
        return services.BuildServiceProvider();
    }
}
