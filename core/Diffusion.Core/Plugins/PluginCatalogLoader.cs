using System.Reflection;
using Diffusion.Contracts;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Diffusion.Core.Plugins;

/// <summary>
/// Loads plugin folders into a host: reads each <c>plugin.json</c>, checks the contracts version and the shared
/// assembly versions before loading anything, loads the main assembly in its own load context
/// (<see cref="IPluginAssemblyLoader"/>), creates the one entry class and lets it register node types and services.
/// </summary>
/// <remarks>
/// <para>The loader never throws for a bad plugin: it records a <see cref="PluginFailure"/> and goes on with the
/// rest. A plugin is registered all or nothing: its <c>Register</c> writes into a staging registrar, committed only
/// when it returned, added no node type name that is already taken, and only added services.</para>
/// <para>Order: paths in the order given; inside a root folder, subfolders in ordinal name order. When two plugins
/// register the same node type name, the one loaded first keeps it and the later plugin is refused as a whole
/// (<see cref="PluginFailureKind.DuplicateNodeType"/>): loading half a plugin would leave node types without the
/// services or companion node types they were written with.</para>
/// </remarks>
public sealed class PluginCatalogLoader
{
    private readonly IPluginAssemblyLoader assemblyLoader;

    /// <summary>Creates a loader on McMaster.NETCore.Plugins.</summary>
    public PluginCatalogLoader()
        : this(new McMasterPluginAssemblyLoader())
    {
    }

    /// <summary>Creates a loader on another load-context implementation.</summary>
    /// <param name="assemblyLoader">Loads a plugin's main assembly in its own load context.</param>
    public PluginCatalogLoader(IPluginAssemblyLoader assemblyLoader)
    {
        ArgumentNullException.ThrowIfNull(assemblyLoader);
        this.assemblyLoader = assemblyLoader;
    }

    /// <summary>Loads every plugin found under <paramref name="pluginPaths"/>.</summary>
    /// <param name="pluginPaths">
    /// Plugin folders (holding <c>plugin.json</c>) or root folders with one subfolder per plugin
    /// (e.g. <c>artifacts/plugins</c>).
    /// </param>
    /// <param name="services">The host's services; plugins' services are appended to it.</param>
    /// <param name="registry">The host's node types; plugins' node types are added to it.</param>
    /// <param name="logger">Receives one line per loaded plugin and a warning per refused one.</param>
    /// <returns>What loaded and what was refused, with messages for the user.</returns>
    /// <remarks>Call it at start-up, before the host serves; it is not meant to run concurrently with itself.</remarks>
    public PluginLoadReport Load(IEnumerable<string> pluginPaths, IServiceCollection services, NodeTypeRegistry registry, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(pluginPaths);
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(logger);

        var shared = SharedPluginAssemblies.ResolveFromHost();
        var hostVersions = SharedPluginAssemblies.VersionsOf(shared);
        var loaded = new List<LoadedPlugin>();
        var failed = new List<PluginFailure>();

        foreach (var candidate in PluginFolderScanner.Expand(pluginPaths))
        {
            var failure = candidate.Failure;
            if (failure is null)
            {
                PluginLoaderLog.Loading(logger, candidate.Folder);
                LoadedPlugin? plugin;
                try
                {
                    plugin = LoadOne(candidate.Folder, shared, hostVersions, services, registry, loaded, out failure);
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    // The folder changed or became unreadable while we looked at it; nothing was committed yet.
                    plugin = null;
                    failure = new PluginFailure(candidate.Folder, null, PluginFailureKind.AssemblyLoadFailed,
                        $"Plugin folder '{candidate.Folder}' could not be read: {ex.Message} Check the folder and its permissions.");
                }

                if (plugin is not null)
                {
                    loaded.Add(plugin);
                    PluginLoaderLog.Loaded(logger, plugin.Manifest.Id, plugin.Manifest.Version, plugin.Folder, string.Join(", ", plugin.NodeTypes));
                    continue;
                }
            }

            failed.Add(failure!);
            PluginLoaderLog.Refused(logger, failure!.Kind, failure.Message);
        }

        return new PluginLoadReport(loaded, failed);
    }

    private LoadedPlugin? LoadOne(
        string folder,
        IReadOnlyList<Assembly> shared,
        IReadOnlyDictionary<string, Version> hostVersions,
        IServiceCollection services,
        NodeTypeRegistry registry,
        IReadOnlyList<LoadedPlugin> loadedSoFar,
        out PluginFailure? failure)
    {
        var valid = PluginManifestReader.TryRead(folder, out failure);
        if (valid is null)
        {
            return null;
        }

        var (manifest, contracts, assemblyPath) = (valid.Manifest, valid.ContractsVersion, valid.AssemblyPath);
        var id = manifest.Id;

        var sameId = loadedSoFar.FirstOrDefault(p => string.Equals(p.Manifest.Id, id, StringComparison.Ordinal));
        if (sameId is not null || registry.All.Any(t => string.Equals(t.PluginId, id, StringComparison.Ordinal)))
        {
            var where = sameId is not null ? $"from '{sameId.Folder}'" : "earlier";
            failure = Fail(PluginFailureKind.DuplicatePluginId,
                $"Plugin '{id}' in '{folder}' was skipped: a plugin with the same id was already loaded {where}. " +
                "Remove one of the two folders from the plugin paths.");
            return null;
        }

        if (!ContractsVersion.IsCompatible(contracts, out var reason))
        {
            failure = Fail(PluginFailureKind.IncompatibleContracts,
                $"Plugin '{id}' in '{folder}' cannot be loaded: {reason}");
            return null;
        }

        if (!File.Exists(assemblyPath))
        {
            failure = Fail(PluginFailureKind.AssemblyLoadFailed,
                $"Plugin '{id}' in '{folder}': plugin.json names the assembly '{manifest.Assembly}', but '{assemblyPath}' does not " +
                "exist. Rebuild the plugin, or fix \"assembly\" in plugin.json.");
            return null;
        }

        if (FindNewerSharedReference(folder, assemblyPath, hostVersions, id, out failure))
        {
            return null;
        }

        Assembly assembly;
        try
        {
            assembly = assemblyLoader.LoadMainAssembly(assemblyPath, shared);
        }
        catch (Exception ex)
        {
            failure = Fail(PluginFailureKind.AssemblyLoadFailed,
                $"Plugin '{id}' in '{folder}': loading '{assemblyPath}' failed: {PluginEntryPointProbe.Describe(ex)} " +
                "Rebuild the plugin for this host's .NET and copy its whole build output (with its .deps.json) into the folder.");
            return null;
        }

        var entryType = PluginEntryPointProbe.Find(assembly, folder, id, out failure);
        if (entryType is null)
        {
            return null;
        }

        var staging = new StagingPluginRegistrar(services);
        var nodeTypes = RegisterInto(staging, entryType, folder, id, out failure);
        if (nodeTypes is null)
        {
            return null;
        }

        var added = staging.AddedServices(out var changed);
        if (added is null)
        {
            failure = Fail(PluginFailureKind.RegistrationFailed,
                $"Plugin '{id}' in '{folder}' removed or replaced the host service '{changed?.ServiceType.FullName}'. Plugins may " +
                "only add services: use TryAdd/TryAddEnumerable. Nothing of this plugin was registered.");
            return null;
        }

        if (FindDuplicateNodeTypes(nodeTypes, registry, folder, id, out failure))
        {
            return null;
        }

        foreach (var (_, nodeType) in nodeTypes)
        {
            // Names were checked just above and the loader is the only writer while plugins load.
            registry.TryAdd(nodeType, id, out _);
        }

        foreach (var descriptor in added)
        {
            services.Add(descriptor);
        }

        return new LoadedPlugin(manifest, folder, assemblyPath, [.. nodeTypes.Select(n => n.Name)]);

        PluginFailure Fail(PluginFailureKind kind, string message) => new(folder, id, kind, message);
    }

    private static bool FindNewerSharedReference(
        string folder, string assemblyPath, IReadOnlyDictionary<string, Version> hostVersions, string id, out PluginFailure? failure)
    {
        // The main assembly first, then the private dependencies next to it: any of them may bind to a shared assembly.
        var files = new[] { assemblyPath }.Concat(
            Directory.EnumerateFiles(folder, "*.dll").Select(Path.GetFullPath).Where(f => !string.Equals(f, assemblyPath, StringComparison.Ordinal)).Order(StringComparer.Ordinal));
        foreach (var file in files)
        {
            IReadOnlyList<SharedAssemblyMismatch> mismatches;
            try
            {
                mismatches = SharedAssemblyReferenceCheck.FindNewerReferences(file, hostVersions);
            }
            catch (Exception ex) when (ex is BadImageFormatException or IOException or UnauthorizedAccessException)
            {
                if (string.Equals(file, assemblyPath, StringComparison.Ordinal))
                {
                    failure = new PluginFailure(folder, id, PluginFailureKind.AssemblyLoadFailed,
                        $"Plugin '{id}' in '{folder}': '{assemblyPath}' is not a readable .NET assembly ({ex.Message}). " +
                        "Rebuild the plugin, or fix \"assembly\" in plugin.json.");
                    return true;
                }

                continue; // Some other file ending in .dll that is not ours to judge; the runtime will if it is ever loaded.
            }

            if (mismatches.Count > 0)
            {
                var m = mismatches[0];
                failure = new PluginFailure(folder, id, PluginFailureKind.SharedAssemblyMismatch,
                    $"Plugin '{id}' in '{folder}': '{Path.GetFileName(m.ReferencingFile)}' was built against {m.SharedAssembly} " +
                    $"{m.ReferencedVersion}, newer than this host's {m.HostVersion}. {m.SharedAssembly} is shared with the host " +
                    $"(one copy per process), so the plugin would get the older copy or a private one whose types do not match. " +
                    $"Rebuild the plugin against {m.SharedAssembly} {m.HostVersion} (or older), or update the host." +
                    (mismatches.Count > 1 ? $" Also: {string.Join("; ", mismatches.Skip(1).Select(o => $"{o.SharedAssembly} {o.ReferencedVersion} > {o.HostVersion}"))}." : string.Empty));
                return true;
            }
        }

        failure = null;
        return false;
    }

    private static IReadOnlyList<(string Name, INodeType NodeType)>? RegisterInto(
        StagingPluginRegistrar staging, Type entryType, string folder, string id, out PluginFailure? failure)
    {
        try
        {
            var plugin = (IDiffusionPlugin)Activator.CreateInstance(entryType)!;
            plugin.Register(staging);

            // Descriptors are built lazily; building them here makes a broken options record this plugin's failure.
            var named = new List<(string, INodeType)>(staging.NodeTypes.Count);
            foreach (var nodeType in staging.NodeTypes)
            {
                var name = nodeType.Descriptor.Name;
                if (string.IsNullOrWhiteSpace(name))
                {
                    throw new InvalidOperationException($"node type '{nodeType.GetType().FullName}' has an empty name");
                }

                named.Add((name, nodeType));
            }

            failure = null;
            return named;
        }
        catch (Exception ex)
        {
            var inner = ex is TargetInvocationException { InnerException: { } cause } ? cause : ex;
            failure = new PluginFailure(folder, id, PluginFailureKind.RegistrationFailed,
                $"Plugin '{id}' in '{folder}' failed while registering ({entryType.FullName}): {inner.GetType().Name}: " +
                $"{inner.Message} Nothing of this plugin was registered. Fix the plugin's Register method or node types, or " +
                "remove the plugin folder.");
            return null;
        }
    }

    private static bool FindDuplicateNodeTypes(
        IReadOnlyList<(string Name, INodeType NodeType)> nodeTypes, NodeTypeRegistry registry, string folder, string id, out PluginFailure? failure)
    {
        var clashes = new List<string>();
        var own = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (name, _) in nodeTypes)
        {
            if (!own.Add(name))
            {
                clashes.Add($"'{name}' is registered twice by plugin '{id}' itself");
            }
            else if (registry.TryGet(name, out var existing))
            {
                clashes.Add($"'{name}' is already registered by plugin '{existing.PluginId}'");
            }
        }

        if (clashes.Count == 0)
        {
            failure = null;
            return false;
        }

        failure = new PluginFailure(folder, id, PluginFailureKind.DuplicateNodeType,
            $"Plugin '{id}' in '{folder}' was not loaded: node type {string.Join("; ", clashes)}. Node type names are unique " +
            $"per host and the plugin loaded first keeps a name, so none of '{id}''s node types or services were registered. " +
            "Remove one of the two plugins from the plugin paths, or rename the node type in one of them.");
        return true;
    }
}
