using System.Reflection;

namespace Diffusion.Core.Plugins;

/// <summary>
/// Loads a plugin's main assembly into a load context of its own. This is our seam over the load-context library
/// (McMaster.NETCore.Plugins today), so that it can be replaced without touching the rest of the loader.
/// </summary>
/// <remarks>
/// An implementation must resolve the shared assemblies given to
/// <see cref="LoadMainAssembly"/> (and their references) from the host's context, so that plugin and host see the
/// same types, and everything else from the plugin folder (driven by its <c>.deps.json</c>). It need not support
/// unloading.
/// </remarks>
public interface IPluginAssemblyLoader
{
    /// <summary>Loads the main assembly of a plugin.</summary>
    /// <param name="mainAssemblyPath">The full path of the plugin's main assembly, inside its folder.</param>
    /// <param name="sharedAssemblies">The host's copies of the assemblies shared with every plugin.</param>
    /// <returns>The loaded assembly.</returns>
    /// <exception cref="Exception">Any load error (missing file, bad image, missing dependency); the caller reports it.</exception>
    Assembly LoadMainAssembly(string mainAssemblyPath, IReadOnlyCollection<Assembly> sharedAssemblies);
}
