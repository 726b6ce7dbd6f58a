using Diffusion.Contracts;
using Diffusion.Core;
using Diffusion.Core.Plugins;
using Diffusion.Torch;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

// The ASP.NET Core convention: AddX extensions live in this namespace so they are found without a using.
namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds the diffusion engine to any .NET app.</summary>
public static class DiffusionServiceCollectionExtensions
{
    /// <summary>
    /// Adds the engine (validator, executor, cache, runner) and loads the plugins named in the options. Plugins are
    /// loaded now, not when the provider is built, because they add services. The native TorchSharp runtime is
    /// initialised here too (once per process).
    /// </summary>
    public static IDiffusionBuilder AddDiffusion(this IServiceCollection services, Action<DiffusionOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);

        // A second AddDiffusion (say, one in a library and one in the app) extends the first: same options, registry
        // and inventory, or node types added through the second builder would land in a registry nobody resolves.
        var options = Existing<DiffusionOptions>(services) ?? new DiffusionOptions();
        var pluginPathsBefore = options.PluginPaths.Count;
        configure?.Invoke(options);
        ArgumentOutOfRangeException.ThrowIfNegative(options.CacheBudgetBytes);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.MaxParallelism);

        TorchRuntime.EnsureInitialized(new TorchRuntimeOptions
        {
            Device = options.Device,
            LibTorchDirectory = options.LibTorchDirectory,
            Threads = options.Threads,
        });

        var registry = Existing<NodeTypeRegistry>(services) ?? new NodeTypeRegistry();
        var inventory = Existing<PluginInventory>(services) ?? new PluginInventory();
        services.TryAddSingleton(options);
        services.TryAddSingleton(registry);
        services.TryAddSingleton(inventory);
        services.TryAddSingleton(_ => new NodeOutputCache(options.CacheBudgetBytes));
        services.TryAddSingleton(sp => new PipelineValidator(
            sp.GetRequiredService<NodeTypeRegistry>(),
            new InputRootPolicy { ExtraRoots = [.. options.InputRoots], PipelineFolderIsRoot = options.PipelineFolderIsInputRoot }));
        services.TryAddSingleton<IPipelineRunner, PipelineRunner>();
        services.TryAddSingleton<ILoggerFactory>(NullLoggerFactory.Instance);

        var builder = new DiffusionBuilder(services, registry, inventory, options);
        foreach (var path in options.PluginPaths.Skip(pluginPathsBefore))
        {
            builder.AddPluginsFrom(path);
        }

        return builder;
    }

    private static T? Existing<T>(IServiceCollection services) where T : class =>
        services.LastOrDefault(d => d.ServiceType == typeof(T) && !d.IsKeyedService)?.ImplementationInstance as T;

    private sealed class DiffusionBuilder(IServiceCollection services, NodeTypeRegistry registry, PluginInventory inventory, DiffusionOptions options) : IDiffusionBuilder
    {
        public IServiceCollection Services => services;

        public NodeTypeRegistry Registry => registry;

        public IDiffusionBuilder AddPluginsFrom(string path)
        {
            ArgumentException.ThrowIfNullOrEmpty(path);
            var before = registry.All.Select(t => t.Descriptor.Name).ToHashSet(StringComparer.Ordinal);
            var logger = options.StartupLoggerFactory?.CreateLogger("Diffusion.Plugins") ?? (ILogger)NullLogger.Instance;
            var report = new PluginCatalogLoader().Load([path], services, registry, logger);
            inventory.Add(report);

            // Node types are also services, so a node can find others (e.g. to build a diffusers scheduler pair).
            foreach (var added in registry.All.Where(t => !before.Contains(t.Descriptor.Name)))
            {
                services.AddSingleton<INodeType>(added.NodeType);
            }

            return this;
        }
    }
}
