using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using Diffusion.Contracts;
using Diffusion.Core;
using Microsoft.Extensions.DependencyInjection;

namespace Diffusion.Testing;

/// <summary>
/// A real Diffusion host for tests: plugins register as in any app, nodes run through the engine (validation, DI,
/// events, cancellation). Runs write under a temporary output folder that <see cref="DisposeAsync"/> removes.
/// </summary>
public sealed class PluginTestHost : IAsyncDisposable, IDisposable
{
    private readonly ServiceProvider provider;
    private readonly NodeTypeRegistry registry;
    private readonly ConcurrentDictionary<string, object> values = new(StringComparer.Ordinal);

    private PluginTestHost(ServiceProvider provider, string outputDirectory)
    {
        this.provider = provider;
        registry = provider.GetRequiredService<NodeTypeRegistry>();
        OutputDirectory = outputDirectory;
        Runner = provider.GetRequiredService<IPipelineRunner>();
    }

    /// <summary>The host's services (the plugin's services included).</summary>
    public IServiceProvider Services => provider;

    /// <summary>The engine.</summary>
    public IPipelineRunner Runner { get; }

    /// <summary>The temporary folder runs write their outputs under.</summary>
    public string OutputDirectory { get; }

    /// <summary>
    /// A host with <typeparamref name="TPlugin"/> registered in-process (no load context: its types are the test's), and,
    /// when <paramref name="includeBuiltInPlugins"/>, the built-in plugins from <c>plugins/</c> next to the test assembly
    /// (the Diffusion.Plugins package puts them there).
    /// </summary>
    public static PluginTestHost ForPlugin<TPlugin>(bool includeBuiltInPlugins = false, Action<DiffusionOptions>? configure = null)
        where TPlugin : IDiffusionPlugin, new()
    {
        var builtIn = Path.Combine(AppContext.BaseDirectory, "plugins");
        if (includeBuiltInPlugins && !Directory.Exists(builtIn))
        {
            throw new InvalidOperationException(
                $"No built-in plugins in '{builtIn}': add a PackageReference to Diffusion.Plugins to the test project (it copies them there on build).");
        }

        return Create(
            builder =>
            {
                if (includeBuiltInPlugins)
                {
                    builder.AddPluginFolder(builtIn);
                }

                new TPlugin().Register(new BuilderRegistrar(builder));
            },
            configure);
    }

    /// <summary>A host that loads a built plugin folder exactly as apps do; throws when the plugin is refused, with the reason.</summary>
    public static PluginTestHost ForPluginFolder(string folder, Action<DiffusionOptions>? configure = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        var host = Create(builder => builder.AddPluginFolder(folder), configure);
        var failed = host.Services.GetRequiredService<PluginInventory>().Failed;
        if (failed.Count > 0)
        {
            host.Dispose();
            throw new InvalidOperationException($"The plugin in '{folder}' was refused: {string.Join(" ", failed.Select(f => f.Message))}");
        }

        return host;
    }

    /// <summary>A host configured by <paramref name="register"/> (add plugin folders and node types to the builder).</summary>
    public static PluginTestHost Create(Action<IDiffusionBuilder> register, Action<DiffusionOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(register);
        var output = Directory.CreateTempSubdirectory("diffusion-plugin-test-").FullName;
        var services = new ServiceCollection();
        services.AddLogging();
        var builder = services.AddDiffusion(o =>
        {
            o.Device = "cpu";
            o.OutputDirectory = output;
            o.CacheBudgetBytes = 0;
            configure?.Invoke(o);
        });
        register(builder);
        return new PluginTestHost(services.BuildServiceProvider(), output);
    }

    /// <summary>
    /// Runs one node of type <paramref name="nodeType"/> with <paramref name="parameters"/> (an object or dictionary written
    /// with the params convention: snake_case names) and <paramref name="inputs"/> (values by input name; a list for a
    /// variadic input). Throws <see cref="PipelineValidationException"/> when the node does not validate and
    /// <see cref="PipelineExecutionException"/>-style failures come back in the result.
    /// </summary>
    public async Task<NodeRunResult> RunNodeAsync(
        string nodeType,
        object? parameters = null,
        IReadOnlyDictionary<string, object>? inputs = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(nodeType);
        if (!registry.TryGet(nodeType, out var target))
        {
            throw new ArgumentException($"No node type '{nodeType}' is registered.{Suggestions.DidYouMean(nodeType, registry.Names)}", nameof(nodeType));
        }

        var nodes = new List<NodeDefinition>();
        var links = new Dictionary<string, NodeInput>(StringComparer.Ordinal);
        foreach (var (name, value) in inputs ?? new Dictionary<string, object>())
        {
            var port = target.Descriptor.Inputs.FirstOrDefault(p => p.Name == name)
                ?? throw new ArgumentException($"Node type '{nodeType}' has no input '{name}'; it takes: {string.Join(", ", target.Descriptor.Inputs.Select(p => p.Name))}.", nameof(inputs));
            var items = port.Variadic && value is System.Collections.IEnumerable list and not string ? list.Cast<object>().ToList() : [value];
            var references = new List<LinkReference>();
            foreach (var item in items)
            {
                var id = $"input_{name}_{references.Count}";
                nodes.Add(ValueNode(id, port.Type, item));
                references.Add(new LinkReference(id, "value"));
            }

            links[name] = new NodeInput(references, port.Variadic);
        }

        nodes.Add(new NodeDefinition("node", nodeType, links, Params(parameters)));
        var result = await Runner.RunAsync(new PipelineDefinition(1, nodes), cancellationToken: cancellationToken).ConfigureAwait(false);
        return new NodeRunResult(result, "node");
    }

    /// <summary>Reads, validates and runs a pipeline given as JSON text; throws <see cref="PipelineValidationException"/> when invalid.</summary>
    public async Task<PipelineRunResult> RunPipelineAsync(string json, string? baseDirectory = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(json);
        var read = PipelineReader.Read(json, baseDirectory is null ? null : Path.Combine(baseDirectory, "pipeline.json"));
        if (read.Pipeline is null || read.Issues.Count > 0)
        {
            throw new PipelineValidationException(read.Issues);
        }

        return await Runner.RunAsync(read.Pipeline, cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        provider.Dispose();
        TryDelete();
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await provider.DisposeAsync().ConfigureAwait(false);
        TryDelete();
    }

    private static JsonObject Params(object? parameters) => parameters switch
    {
        null => [],
        JsonObject json => (JsonObject)json.DeepClone(),
        _ => JsonSerializer.SerializeToNode(parameters, parameters.GetType(), OptionsJson.Options) as JsonObject
            ?? throw new ArgumentException("Params must serialise to a JSON object (an anonymous object, a record or a dictionary).", nameof(parameters)),
    };

    private NodeDefinition ValueNode(string id, PortType type, object value)
    {
        // One value node type per port type, so the link type-checks exactly as a real producer's would.
        var name = $"testing.value.{type.Name}";
        if (!registry.TryGet(name, out _))
        {
            registry.TryAdd(new ValueNodeType(name, type, values), "diffusion.testing", out _);
        }

        var key = Guid.NewGuid().ToString("n");
        values[key] = value;
        return new NodeDefinition(id, name, new Dictionary<string, NodeInput>(), new JsonObject { ["key"] = key });
    }

    private void TryDelete()
    {
        try
        {
            Directory.Delete(OutputDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A file still open elsewhere; the temporary folder is left for the OS to clean.
        }
    }

    /// <summary>Hands an in-process plugin's registrations to the builder.</summary>
    private sealed class BuilderRegistrar(IDiffusionBuilder builder) : IPluginRegistrar
    {
        public IServiceCollection Services => builder.Services;

        public void AddNodeType(INodeType nodeType) => builder.AddNodeType(nodeType);
    }
}
