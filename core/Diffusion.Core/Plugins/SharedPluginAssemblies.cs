using System.Reflection;
using System.Runtime.Loader;
using Diffusion.Contracts;

namespace Diffusion.Core.Plugins;

/// <summary>
/// The assemblies the host shares with every plugin: one copy per process, taken from the host, so that values cross
/// the plugin boundary with matching types (see docs/adr/0001-shared-assemblies.md). Plugins reference them
/// compile-only; everything else a plugin uses is private to its load context.
/// </summary>
public static class SharedPluginAssemblies
{
    /// <summary>
    /// The simple names of the shared assemblies. An assembly the host does not have (for example ONNX Runtime in a
    /// host without the ONNX backend) is simply not shared.
    /// </summary>
    public static IReadOnlyList<string> Names { get; } =
    [
        "Diffusion.Contracts",
        // libtorch is process-wide native state: a second TorchSharp copy crashes the process.
        "TorchSharp",
        "Diffusion.Torch",
        "Diffusion.Nn",
        "Diffusion.Sdk",
        "Microsoft.ML.OnnxRuntime",
        "Microsoft.Extensions.DependencyInjection.Abstractions",
        "Microsoft.Extensions.Logging.Abstractions",
        "Microsoft.Extensions.Options",
    ];

    /// <summary>
    /// The host's copies of <see cref="Names"/> that it can load, from the load context that holds the contracts the
    /// host was built against.
    /// </summary>
    public static IReadOnlyList<Assembly> ResolveFromHost()
    {
        var hostContext = AssemblyLoadContext.GetLoadContext(typeof(IDiffusionPlugin).Assembly) ?? AssemblyLoadContext.Default;
        var resolved = new List<Assembly>(Names.Count);
        foreach (var name in Names)
        {
            try
            {
                resolved.Add(hostContext.LoadFromAssemblyName(new AssemblyName(name)));
            }
            catch (FileNotFoundException)
            {
                // Not part of this host: plugins cannot use it through the host, and it is not shared.
            }
        }

        return resolved;
    }

    /// <summary>The versions of the host's shared assemblies, by simple name (ordinal, case-insensitive).</summary>
    /// <param name="sharedAssemblies">The host's shared assemblies, as from <see cref="ResolveFromHost"/>.</param>
    public static IReadOnlyDictionary<string, Version> VersionsOf(IEnumerable<Assembly> sharedAssemblies)
    {
        ArgumentNullException.ThrowIfNull(sharedAssemblies);
        var versions = new Dictionary<string, Version>(StringComparer.OrdinalIgnoreCase);
        foreach (var assembly in sharedAssemblies)
        {
            var name = assembly.GetName();
            if (name.Name is not null)
            {
                versions[name.Name] = name.Version ?? new Version(0, 0, 0, 0);
            }
        }

        return versions;
    }
}
