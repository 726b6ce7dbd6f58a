using Diffusion.Core.Plugins;

namespace Diffusion.Core;

/// <summary>Every plugin load outcome of a host (several <c>AddPluginsFrom</c> calls add up), for <c>diffuse plugins</c> and health checks.</summary>
public sealed class PluginInventory
{
    private readonly List<LoadedPlugin> loaded = [];
    private readonly List<PluginFailure> failed = [];

    /// <summary>Plugins that registered.</summary>
    public IReadOnlyList<LoadedPlugin> Loaded => loaded;

    /// <summary>Plugin folders that were refused, with reasons.</summary>
    public IReadOnlyList<PluginFailure> Failed => failed;

    internal void Add(PluginLoadReport report)
    {
        loaded.AddRange(report.Loaded);
        failed.AddRange(report.Failed);
    }
}
