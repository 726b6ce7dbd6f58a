using System.Reflection;
using System.Runtime.Loader;
using System.Text.Json;
using System.Text.Json.Nodes;
using Diffusion.Contracts;
using Microsoft.Extensions.DependencyInjection;

namespace Diffusion.Plugins.Tests.Parity;

/// <summary>
/// Every plugin entry class in the loaded Diffusion.Plugins.* assemblies, registered into one service collection as a
/// host would, so tests see exactly the mappings and node types the plugins contribute.
/// </summary>
public sealed class PluginCatalog
{
    private static readonly Lazy<PluginCatalog> Shared = new(Load);

    private PluginCatalog(IServiceProvider services, IReadOnlyDictionary<string, INodeType> nodeTypes)
    {
        Services = services;
        NodeTypes = nodeTypes;
    }

    public static PluginCatalog Instance => Shared.Value;

    public IServiceProvider Services { get; }

    public IReadOnlyDictionary<string, INodeType> NodeTypes { get; }

    public IEnumerable<IDiffusersSchedulerMapping> Mappings => Services.GetServices<IDiffusersSchedulerMapping>();

    /// <summary>Runs a node type that has no inputs (components from params) and returns one output.</summary>
    public T Instantiate<T>(NodeSpec spec, string output) where T : class => (T)Run(spec, new Dictionary<string, object>())[output];

    /// <summary>Runs a node type with the given params (defaults filled in) and inputs.</summary>
    public IReadOnlyDictionary<string, object> Run(NodeSpec spec, IReadOnlyDictionary<string, object> inputs)
    {
        if (!NodeTypes.TryGetValue(spec.Type, out var nodeType))
        {
            throw new InvalidOperationException($"node type '{spec.Type}' is not registered by any plugin");
        }

        var context = new ParamsOnlyContext(spec.Type, OptionsSchema.WithDefaults(nodeType.Descriptor.Params, spec.Params), Services, inputs);
        return nodeType.ExecuteAsync(context).GetAwaiter().GetResult().Values;
    }

    private static PluginCatalog Load()
    {
        var directory = AppContext.BaseDirectory;
        foreach (var file in Directory.EnumerateFiles(directory, "Diffusion.Plugins.*.dll"))
        {
            var name = AssemblyName.GetAssemblyName(file);
            if (!AssemblyLoadContext.Default.Assemblies.Any(a => a.GetName().Name == name.Name))
            {
                Assembly.Load(name);
            }
        }

        var registrar = new TestRegistrar();
        // Only the test's own (default) load context: tests that run a real host load the same plugins again into
        // plugin load contexts, and AppDomain lists those too (found when CI ran such a test first).
        var entryTypes = AssemblyLoadContext.Default.Assemblies
            .Where(a => a.GetName().Name is { } n && n.StartsWith("Diffusion.Plugins.", StringComparison.Ordinal) && !n.EndsWith(".Tests", StringComparison.Ordinal))
            .SelectMany(a => a.GetExportedTypes())
            .Where(t => typeof(IDiffusionPlugin).IsAssignableFrom(t) && t is { IsAbstract: false, IsInterface: false });
        foreach (var type in entryTypes)
        {
            ((IDiffusionPlugin)Activator.CreateInstance(type)!).Register(registrar);
        }

        return new PluginCatalog(registrar.Services.BuildServiceProvider(), registrar.NodeTypes);
    }

    private sealed class TestRegistrar : IPluginRegistrar
    {
        public IServiceCollection Services { get; } = new ServiceCollection();

        public Dictionary<string, INodeType> NodeTypes { get; } = new(StringComparer.Ordinal);

        public void AddNodeType(INodeType nodeType) => NodeTypes.Add(nodeType.Descriptor.Name, nodeType);
    }

    private sealed class ParamsOnlyContext(string nodeId, JsonObject parameters, IServiceProvider services, IReadOnlyDictionary<string, object> inputs) : INodeExecutionContext
    {
        public string NodeId => nodeId;

        public RunContext Run { get; } = new()
        {
            RunId = "test",
            Device = TorchSharp.torch.CPU,
            OutputDirectory = Path.GetTempPath(),
            BaseDirectory = Path.GetTempPath(),
            Logger = Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance,
        };

        public IProgress<NodeProgress> Progress { get; } = new Progress<NodeProgress>();

        public CancellationToken CancellationToken => CancellationToken.None;

        public Microsoft.Extensions.Logging.ILogger Logger => Run.Logger;

        public IServiceProvider Services => services;

        public TOptions GetParams<TOptions>() where TOptions : class =>
            parameters.Deserialize<TOptions>(OptionsJson.Options) ?? throw new InvalidOperationException("params bound to null");

        public T GetInput<T>(string name) where T : class =>
            GetOptionalInput<T>(name) ?? throw new InvalidOperationException($"{nodeId} has no input '{name}' here");

        public T? GetOptionalInput<T>(string name) where T : class => inputs.TryGetValue(name, out var value) ? (T)value : null;

        public IReadOnlyList<T> GetInputs<T>(string name) where T : class => [];

        public string ResolveInputPath(string path) => Path.GetFullPath(path);

        public string ResolveOutputPath(string path) => Path.GetFullPath(path, Path.GetTempPath());
    }
}
