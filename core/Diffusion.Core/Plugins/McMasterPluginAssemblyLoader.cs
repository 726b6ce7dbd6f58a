using System.Reflection;
using McMaster.NETCore.Plugins;

namespace Diffusion.Core.Plugins;

/// <summary>
/// <see cref="IPluginAssemblyLoader"/> on McMaster.NETCore.Plugins: one non-collectible load context per plugin, the
/// shared assemblies taken from the host (<c>PreferSharedTypes</c>), the rest from the plugin's <c>.deps.json</c>.
/// </summary>
internal sealed class McMasterPluginAssemblyLoader : IPluginAssemblyLoader
{
    public Assembly LoadMainAssembly(string mainAssemblyPath, IReadOnlyCollection<Assembly> sharedAssemblies)
    {
        ArgumentException.ThrowIfNullOrEmpty(mainAssemblyPath);
        ArgumentNullException.ThrowIfNull(sharedAssemblies);

        var config = new PluginConfig(mainAssemblyPath)
        {
            PreferSharedTypes = true,
            // Unloading and hot reload stay off: TorchSharp modules and node types live as long as the host.
            IsUnloadable = false,
            EnableHotReload = false,
            LoadInMemory = false,
        };
        foreach (var shared in sharedAssemblies)
        {
            config.SharedAssemblies.Add(shared.GetName());
        }

        // The loader is deliberately not disposed: its context is not collectible and must live with the host.
        var loader = new PluginLoader(config);
        return loader.LoadDefaultAssembly();
    }
}
