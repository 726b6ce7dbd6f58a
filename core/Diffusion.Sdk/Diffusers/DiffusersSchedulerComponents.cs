using System.Text.Json;
using System.Text.Json.Nodes;
using Diffusion.Contracts;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Diffusion.Torch.Files;

namespace Diffusion.Sdk;

/// <summary>
/// A diffusers <c>scheduler_config.json</c> as our scheduler + sampler components, for nodes that load whole model
/// folders: the config's <c>_class_name</c> goes to the registered <see cref="IDiffusersSchedulerMapping"/> that knows
/// it, and the mapped scheduler and sampler node types (found in the host's <see cref="INodeTypeCatalog"/>) are run with
/// the mapped params, which pass the same schema checks as params written in a pipeline file.
/// </summary>
public static class DiffusersSchedulerComponents
{
    /// <summary>Builds the scheduler and sampler that reproduce the config at <paramref name="configPath"/>.</summary>
    /// <param name="context">The calling node's context (services, run, logger).</param>
    /// <param name="configPath">The resolved path of the scheduler_config.json.</param>
    /// <param name="stepKwargs">Arguments diffusers passes to step() (e.g. eta), or null.</param>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is not a JSON object with a string <c>_class_name</c> (the message names the file and the field).</exception>
    /// <exception cref="NotSupportedException">No loaded plugin maps the class, or the mapping rejects a field (named in the message).</exception>
    public static async Task<(IScheduler Scheduler, ISampler Sampler)> CreateAsync(INodeExecutionContext context, string configPath, JsonObject? stepKwargs = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentException.ThrowIfNullOrEmpty(configPath);
        var (className, config) = Read(configPath);
        var mappings = context.Services.GetServices<IDiffusersSchedulerMapping>().ToList();
        var mapping = mappings.FirstOrDefault(m => m.ClassNames.Contains(className))
            ?? throw new NotSupportedException(
                $"{context.NodeId}: scheduler config '{configPath}': field '_class_name' is '{className}', which no loaded plugin maps (known: {string.Join(", ", mappings.SelectMany(m => m.ClassNames).Order(StringComparer.Ordinal))}). "
                + "Link a scheduler and sampler of your choice instead.");
        DiffusersSchedulerPair pair;
        try
        {
            pair = mapping.Map(className, config, stepKwargs);
        }
        catch (NotSupportedException e)
        {
            throw new NotSupportedException($"{context.NodeId}: scheduler config '{configPath}': {e.Message}", e);
        }

        var catalog = context.Services.GetRequiredService<INodeTypeCatalog>();
        var scheduler = (IScheduler)await RunAsync(context, catalog, pair.Scheduler, "scheduler").ConfigureAwait(false);
        var sampler = (ISampler)await RunAsync(context, catalog, pair.Sampler, "sampler").ConfigureAwait(false);
        context.Logger.LogInformation("{Node}: scheduler config '{Path}' ({Class}) runs as {Scheduler} + {Sampler}.", context.NodeId, configPath, className, pair.Scheduler.Type, pair.Sampler.Type);
        return (scheduler, sampler);
    }

    /// <summary>The class name and fields of a scheduler_config.json.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">Not a JSON object with a string <c>_class_name</c>.</exception>
    public static (string ClassName, JsonObject Config) Read(string configPath)
    {
        ArgumentException.ThrowIfNullOrEmpty(configPath);
        if (!File.Exists(configPath))
        {
            throw new FileNotFoundException($"Scheduler config '{configPath}' does not exist; a diffusers model folder keeps it in scheduler/scheduler_config.json.", configPath);
        }

        JsonObject config;
        try
        {
            config = JsonNode.Parse(SafeFile.ReadAllText(configPath, 1 << 20, "Scheduler config")) as JsonObject
                ?? throw new InvalidDataException($"Scheduler config '{configPath}' is not a JSON object.");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"Scheduler config '{configPath}' is not valid JSON: {e.Message}", e);
        }

        var className = config["_class_name"] is JsonValue value && value.TryGetValue(out string? name) && name.Length > 0
            ? name
            : throw new InvalidDataException($"Scheduler config '{configPath}': field '_class_name' is missing or not a string; is it a diffusers scheduler_config.json?");
        return (className, config);
    }

    private static async Task<object> RunAsync(INodeExecutionContext context, INodeTypeCatalog catalog, NodeSpec spec, string output)
    {
        if (!catalog.TryGet(spec.Type, out var nodeType))
        {
            throw new NotSupportedException($"{context.NodeId}: the scheduler mapping asks for node type '{spec.Type}', which no loaded plugin registers.");
        }

        var nodeId = $"{context.NodeId}/{spec.Type}";
        var issues = ParamRules.Check(nodeId, nodeType.Descriptor, spec.Params).ToList();
        var parameters = OptionsSchema.WithDefaults(nodeType.Descriptor.Params, spec.Params);
        if (issues.Count == 0)
        {
            ParamRules.NormalizeIntegers(parameters, nodeType.Descriptor);
            issues.AddRange(nodeType.Validate(new NodeValidationContext(nodeId, parameters, context.Run.BaseDirectory)));
        }

        if (issues.Count > 0)
        {
            throw new NotSupportedException($"{context.NodeId}: mapped params of {spec.Type} are invalid: {string.Join("; ", issues)}");
        }

        var outputs = await nodeType.ExecuteAsync(new ComponentNodeContext(context, nodeId, parameters)).ConfigureAwait(false);
        return outputs.Values[output];
    }

    /// <summary>A parent's context with other params and no inputs, for running a component node inside another node.</summary>
    private sealed class ComponentNodeContext(INodeExecutionContext parent, string nodeId, JsonObject parameters) : INodeExecutionContext
    {
        public string NodeId => nodeId;

        public RunContext Run => parent.Run;

        public IProgress<NodeProgress> Progress => parent.Progress;

        public CancellationToken CancellationToken => parent.CancellationToken;

        public ILogger Logger => parent.Logger;

        public IServiceProvider Services => parent.Services;

        public TOptions GetParams<TOptions>() where TOptions : class =>
            parameters.Deserialize<TOptions>(OptionsJson.Options) ?? throw new InvalidOperationException($"{nodeId}: params bound to null.");

        public T GetInput<T>(string name) where T : class => throw new InvalidOperationException($"{nodeId}: component nodes run inside another node take no inputs ('{name}').");

        public T? GetOptionalInput<T>(string name) where T : class => null;

        public IReadOnlyList<T> GetInputs<T>(string name) where T : class => [];

        public string ResolveInputPath(string path) => parent.ResolveInputPath(path);

        public string ResolveOutputPath(string path) => parent.ResolveOutputPath(path);
    }
}
