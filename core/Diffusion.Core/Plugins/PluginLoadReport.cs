namespace Diffusion.Core.Plugins;

/// <summary>The outcome of loading a set of plugin paths: what loaded and what was refused.</summary>
public sealed class PluginLoadReport
{
    /// <summary>Creates a report.</summary>
    /// <param name="loaded">The plugins that registered, in load order.</param>
    /// <param name="failed">The plugin folders that were refused, in load order.</param>
    public PluginLoadReport(IReadOnlyList<LoadedPlugin> loaded, IReadOnlyList<PluginFailure> failed)
    {
        ArgumentNullException.ThrowIfNull(loaded);
        ArgumentNullException.ThrowIfNull(failed);
        Loaded = loaded;
        Failed = failed;
    }

    /// <summary>The plugins that registered, in load order.</summary>
    public IReadOnlyList<LoadedPlugin> Loaded { get; }

    /// <summary>The plugin folders that were refused, in load order.</summary>
    public IReadOnlyList<PluginFailure> Failed { get; }
}
