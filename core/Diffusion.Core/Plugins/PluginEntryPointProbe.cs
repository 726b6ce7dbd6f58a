using System.Reflection;
using Diffusion.Contracts;

namespace Diffusion.Core.Plugins;

/// <summary>
/// Finds a plugin assembly's entry class: exactly one public, concrete <see cref="IDiffusionPlugin"/> with a public
/// parameterless constructor, where <see cref="IDiffusionPlugin"/> is the host's own type (same contracts copy).
/// </summary>
internal static class PluginEntryPointProbe
{
    /// <summary>The entry type, or null with a failure.</summary>
    public static Type? Find(Assembly assembly, string folder, string pluginId, out PluginFailure? failure)
    {
        Type[] exported;
        try
        {
            exported = assembly.GetExportedTypes();
        }
        catch (Exception ex) when (ex is ReflectionTypeLoadException or TypeLoadException or FileNotFoundException or FileLoadException or BadImageFormatException)
        {
            failure = new PluginFailure(folder, pluginId, PluginFailureKind.AssemblyLoadFailed,
                $"Plugin '{pluginId}' in '{folder}': the types of '{assembly.GetName().Name}' could not be read: " +
                $"{Describe(ex)} A dependency is probably missing from the plugin folder or was built for other versions; " +
                "rebuild the plugin and copy its whole build output into the folder.");
            return null;
        }

        var contract = typeof(IDiffusionPlugin);
        var candidates = exported.Where(t => t is { IsClass: true, IsAbstract: false } && contract.IsAssignableFrom(t)).ToList();
        if (candidates.Count == 0)
        {
            // Same name, other identity: the plugin got its own Diffusion.Contracts instead of the host's.
            var foreign = exported.FirstOrDefault(t => t.GetInterfaces().Any(i => i.FullName == contract.FullName));
            failure = foreign is not null
                ? new PluginFailure(folder, pluginId, PluginFailureKind.SharedAssemblyMismatch,
                    $"Plugin '{pluginId}' in '{folder}': '{foreign.FullName}' implements an IDiffusionPlugin from another copy of " +
                    $"Diffusion.Contracts ('{foreign.GetInterfaces().First(i => i.FullName == contract.FullName).Assembly.Location}') " +
                    $"than the host's ('{contract.Assembly.Location}'). Reference Diffusion.Contracts compile-only " +
                    "(Private=false / ExcludeAssets=runtime) and delete the copy from the plugin folder.")
                : new PluginFailure(folder, pluginId, PluginFailureKind.NoEntryPoint,
                    $"Plugin '{pluginId}' in '{folder}': '{assembly.GetName().Name}' has no public non-abstract class implementing " +
                    "Diffusion.Contracts.IDiffusionPlugin. Add one entry class (e.g. 'public sealed class MyPlugin : IDiffusionPlugin') " +
                    "or fix \"assembly\" in plugin.json if it names the wrong file.");
            return null;
        }

        if (candidates.Count > 1)
        {
            failure = new PluginFailure(folder, pluginId, PluginFailureKind.NoEntryPoint,
                $"Plugin '{pluginId}' in '{folder}': '{assembly.GetName().Name}' has {candidates.Count} entry classes " +
                $"({string.Join(", ", candidates.Select(t => t.FullName))}); a plugin has exactly one. Merge their Register methods " +
                "into one class, or make the others internal.");
            return null;
        }

        var entry = candidates[0];
        if (entry.GetConstructor(Type.EmptyTypes) is null)
        {
            failure = new PluginFailure(folder, pluginId, PluginFailureKind.NoEntryPoint,
                $"Plugin '{pluginId}' in '{folder}': entry class '{entry.FullName}' has no public parameterless constructor. " +
                "Add one; take services from the host in node types through INodeExecutionContext.Services instead.");
            return null;
        }

        failure = null;
        return entry;
    }

    internal static string Describe(Exception ex)
    {
        if (ex is ReflectionTypeLoadException typeLoad)
        {
            var first = typeLoad.LoaderExceptions.FirstOrDefault(e => e is not null);
            return first is null ? ex.Message : $"{ex.Message.TrimEnd('.')}: {first.Message}";
        }

        return ex.Message.EndsWith('.') ? ex.Message : ex.Message + ".";
    }
}
