using System.Text.Json.Nodes;
using Diffusion.Contracts;
using Diffusion.Plugins.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using TorchSharp;

namespace Diffusion.Plugins.Tests.Toy2d;

/// <summary>
/// Runs a pipeline JSON file by calling the node types directly, in dependency order, with <see cref="TestNodeContext"/>
/// (no engine: until the lead's executor exists, and to keep these tests independent of it). Node types come from every
/// loaded <c>Diffusion.Plugins.*</c> plugin; <c>sample</c> falls back to <see cref="SampleShimNode"/> while no plugin
/// registers it. Params can be overridden (<c>"train.steps" = 300</c>) to fit a test budget.
/// </summary>
internal sealed class HandWiredPipeline
{
    private readonly JsonObject nodes;
    private readonly Dictionary<string, INodeType> registry;
    private readonly Dictionary<string, NodeOutputs> results = new(StringComparer.Ordinal);
    private readonly RunContext run;

    public HandWiredPipeline(string path, string outputDirectory, IReadOnlyDictionary<string, JsonNode?>? overrides = null)
    {
        var document = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        nodes = document["nodes"]!.AsObject();
        foreach (var (key, value) in overrides ?? new Dictionary<string, JsonNode?>())
        {
            var dot = key.IndexOf('.', StringComparison.Ordinal);
            var node = nodes[key[..dot]]!.AsObject();
            var parameters = node["params"] as JsonObject ?? (JsonObject)(node["params"] = new JsonObject());
            parameters[key[(dot + 1)..]] = value?.DeepClone();
        }

        registry = LoadNodeTypes();
        run = new RunContext
        {
            RunId = "hand-wired",
            Device = torch.CPU,
            OutputDirectory = outputDirectory,
            BaseDirectory = Path.GetDirectoryName(Path.GetFullPath(path))!,
            Logger = NullLogger.Instance,
        };
    }

    /// <summary>Every node's log lines, by node id.</summary>
    public Dictionary<string, IReadOnlyList<string>> Logs { get; } = new(StringComparer.Ordinal);

    /// <summary>Runs every node (each once) and returns the outputs by node id.</summary>
    public async Task<IReadOnlyDictionary<string, NodeOutputs>> RunAsync()
    {
        foreach (var (id, _) in nodes)
        {
            await ExecuteAsync(id);
        }

        return results;
    }

    private async Task<NodeOutputs> ExecuteAsync(string id)
    {
        if (results.TryGetValue(id, out var done))
        {
            return done;
        }

        var definition = nodes[id]?.AsObject() ?? throw new InvalidOperationException($"No node '{id}'.");
        var typeName = definition["type"]!.GetValue<string>();
        var type = registry.TryGetValue(typeName, out var found) ? found : throw new InvalidOperationException($"Node '{id}': no plugin registers '{typeName}'.");
        var parameters = definition["params"] as JsonObject ?? [];
        var context = new TestNodeContext(id, (JsonObject)parameters.DeepClone(), run);
        foreach (var (input, link) in definition["inputs"] as JsonObject ?? [])
        {
            context.WithInput(input, link is JsonArray many
                ? await Task.WhenAll(many.Select(l => ResolveAsync(l!.GetValue<string>())))
                : await ResolveAsync(link!.GetValue<string>()));
        }

        var outputs = await type.ExecuteAsync(context);
        Logs[id] = [.. context.LogLines];
        results[id] = outputs;
        return outputs;
    }

    private async Task<object> ResolveAsync(string link)
    {
        var dot = link.IndexOf('.', StringComparison.Ordinal);
        var source = dot < 0 ? link : link[..dot];
        var outputs = await ExecuteAsync(source);
        var typeName = nodes[source]!["type"]!.GetValue<string>();
        var port = dot < 0 ? registry[typeName].Descriptor.Outputs[0].Name : link[(dot + 1)..];
        return outputs.Values[port];
    }

    /// <summary>The node types of every plugin in the test output (plus the <c>sample</c> stand-in when absent), by name.</summary>
    public static Dictionary<string, INodeType> LoadNodeTypes()
    {
        var registrar = new Registrar();
        var pluginTypes = new[] { typeof(Diffusion.Plugins.Toy2d.Toy2dPlugin), typeof(Diffusion.Plugins.Training.TrainingPlugin), typeof(Diffusion.Plugins.Images.ImagesPlugin) }
            .Concat(Directory.GetFiles(AppContext.BaseDirectory, "Diffusion.Plugins.*.dll")
                .Where(file => !file.EndsWith("Diffusion.Plugins.Tests.dll", StringComparison.Ordinal))
                .Select(file => System.Reflection.Assembly.Load(System.Reflection.AssemblyName.GetAssemblyName(file)))
                .SelectMany(a => a.GetExportedTypes())
                .Where(t => typeof(IDiffusionPlugin).IsAssignableFrom(t) && t is { IsAbstract: false, IsInterface: false }))
            .Distinct();
        foreach (var pluginType in pluginTypes)
        {
            ((IDiffusionPlugin)Activator.CreateInstance(pluginType)!).Register(registrar);
        }

        registrar.NodeTypes.TryAdd("sample", new SampleShimNode());
        return registrar.NodeTypes;
    }

    private sealed class Registrar : IPluginRegistrar
    {
        public IServiceCollection Services { get; } = new ServiceCollection();

        public Dictionary<string, INodeType> NodeTypes { get; } = new(StringComparer.Ordinal);

        public void AddNodeType(INodeType nodeType) => NodeTypes[nodeType.Descriptor.Name] = nodeType;
    }
}
