using Microsoft.Extensions.Logging;

namespace Diffusion.Core.Plugins;

/// <summary>The plugin loader's log messages.</summary>
internal static partial class PluginLoaderLog
{
    [LoggerMessage(EventId = 1001, Level = LogLevel.Information, Message = "Loaded plugin {PluginId} {Version} from {Folder}: {NodeTypes}")]
    public static partial void Loaded(ILogger logger, string pluginId, string version, string folder, string nodeTypes);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Warning, Message = "Plugin refused ({Kind}): {Message}")]
    public static partial void Refused(ILogger logger, PluginFailureKind kind, string message);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Debug, Message = "Loading plugin folder {Folder}")]
    public static partial void Loading(ILogger logger, string folder);
}
