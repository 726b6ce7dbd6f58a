using Diffusion.Contracts;
using Diffusion.Core;
using Diffusion.Core.Plugins;
using Diffusion.Torch;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

// The ASP.NET Core convention: AddX extensions live in this namespace so they are found without a using.
namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds the diffusion engine to any .NET app.</summary>
public static class DiffusionServiceCollectionExtensions
{
    /// <summary>
    /// Adds the engine (registry, validator, executor, cache, runner) with options set in code, and loads the plugin
    /// folders named in <see cref="DiffusionOptions.PluginPaths"/> now (plugins add services). The native TorchSharp
    /// runtime is initialised here too, once per process, with the device, thread and libtorch settings given.
    /// </summary>
    public static IDiffusionBuilder AddDiffusion(this IServiceCollection services, Action<DiffusionOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var eager = new DiffusionOptions();
        configure?.Invoke(eager);
        var optionsBuilder = services.AddOptions<DiffusionOptions>();
        if (configure is not null)
        {
            optionsBuilder.Configure(configure);
        }

        return AddCore(services, eager);
    }

    /// <summary>
    /// Adds the engine with options bound from a configuration section (by convention <c>"Diffusion"</c>:
    /// <c>Device</c>, <c>Threads</c>, <c>CacheBudgetBytes</c>, <c>MaxParallelism</c>, <c>OutputDirectory</c>,
    /// <c>LibTorchDirectory</c>, <c>PluginPaths</c>), validated when the host starts. The section's plugin folders load now.
    /// </summary>
    public static IDiffusionBuilder AddDiffusion(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        var eager = new DiffusionOptions();
        configuration.Bind(eager);
        services.AddOptions<DiffusionOptions>().Bind(configuration);
        return AddCore(services, eager);
    }

    private static IDiffusionBuilder AddCore(IServiceCollection services, DiffusionOptions eager)
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<DiffusionOptions>, DiffusionOptionsValidator>());
        services.AddOptions<DiffusionOptions>().ValidateOnStart();
        // Settings that must hold before anything touches libtorch are checked now, with the same messages.
        var problems = new DiffusionOptionsValidator().Validate(null, eager);
        if (problems.Failed)
        {
            throw new OptionsValidationException(nameof(DiffusionOptions), typeof(DiffusionOptions), problems.Failures);
        }

        TorchRuntime.EnsureInitialized(new TorchRuntimeOptions
        {
            Device = eager.Device,
            LibTorchDirectory = eager.LibTorchDirectory,
            Threads = eager.Threads,
        });

        // A second AddDiffusion (a library's and the app's) extends the first: one registry and one inventory.
        var registry = Existing<NodeTypeRegistry>(services) ?? new NodeTypeRegistry();
        var inventory = Existing<PluginInventory>(services) ?? new PluginInventory();
        services.TryAddSingleton(registry);
        services.TryAddSingleton<INodeTypeCatalog>(registry);
        services.TryAddSingleton(inventory);
        // Loggers come from the app when it added logging (before or after this call), else nowhere.
        services.TryAddSingleton(sp => new PluginStartupReport(inventory, LoggerFactoryOf(sp).CreateLogger<PluginInventory>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, PluginStartupReport>(sp => sp.GetRequiredService<PluginStartupReport>()));
        services.TryAddSingleton(sp => new NodeOutputCache(sp.GetRequiredService<IOptions<DiffusionOptions>>().Value.CacheBudgetBytes));
        services.TryAddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<DiffusionOptions>>().Value;
            return new PipelineValidator(
                sp.GetRequiredService<NodeTypeRegistry>(),
                new InputRootPolicy { ExtraRoots = [.. options.InputRoots], PipelineFolderIsRoot = options.PipelineFolderIsInputRoot },
                new RunBudget(options.MaxRunElements, options.MaxRunNetworkCalls));
        });
        services.TryAddSingleton<IPipelineRunner>(sp => new PipelineRunner(
            sp.GetRequiredService<PipelineValidator>(),
            sp.GetRequiredService<NodeOutputCache>(),
            sp.GetRequiredService<IOptions<DiffusionOptions>>(),
            sp,
            LoggerFactoryOf(sp),
            sp.GetRequiredService<PluginStartupReport>()));

        var builder = new DiffusionBuilder(services, registry, inventory);
        foreach (var path in eager.PluginPaths)
        {
            builder.AddPluginFolder(path);
        }

        return builder;
    }

    private static ILoggerFactory LoggerFactoryOf(IServiceProvider services) => services.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance;

    private static T? Existing<T>(IServiceCollection services) where T : class =>
        services.LastOrDefault(d => d.ServiceType == typeof(T) && !d.IsKeyedService)?.ImplementationInstance as T;

    private sealed class DiffusionBuilder(IServiceCollection services, NodeTypeRegistry registry, PluginInventory inventory) : IDiffusionBuilder
    {
        public IServiceCollection Services => services;

        public IDiffusionBuilder AddPluginFolder(string path)
        {
            ArgumentException.ThrowIfNullOrEmpty(path);
            inventory.Add(new PluginCatalogLoader().Load([path], services, registry, NullLogger.Instance));
            return this;
        }

        public IDiffusionBuilder AddNodeType<TNodeType>() where TNodeType : class, INodeType, new() => AddNodeType(new TNodeType());

        public IDiffusionBuilder AddNodeType(INodeType nodeType)
        {
            ArgumentNullException.ThrowIfNull(nodeType);
            if (!registry.TryAdd(nodeType, "app", out var existing))
            {
                throw new InvalidOperationException(
                    $"Node type '{nodeType.Descriptor.Name}' is already registered by plugin '{existing!.PluginId}'; give the app's node type another name.");
            }

            return this;
        }
    }
}
