using System.Text.Json;
using System.Text.Json.Nodes;
using Diffusion.Contracts;
using Diffusion.Torch.Files;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Diffusion.Plugins.Sampling;

/// <summary>
/// The <c>scheduler.from_diffusers</c> node: reads a <c>scheduler_config.json</c>, asks every registered
/// <see cref="IDiffusersSchedulerMapping"/> for its class, and runs the mapped scheduler and sampler node types
/// (found in the host's <see cref="INodeTypeCatalog"/>) to output both components.
/// </summary>
public sealed class SchedulerFromDiffusersNode : NodeType<SchedulerFromDiffusersOptions>
{
    /// <inheritdoc />
    protected override string Name => "scheduler.from_diffusers";

    /// <inheritdoc />
    protected override string Category => "sampling";

    /// <inheritdoc />
    protected override string Description => "A diffusers scheduler_config.json as our scheduler + sampler pair.";

    /// <inheritdoc />
    protected override IReadOnlyList<PortDescriptor> Outputs { get; } =
    [
        new("scheduler", PortType.Scheduler, "The noise schedule."),
        new("sampler", PortType.Sampler, "The update rule."),
    ];

    /// <inheritdoc />
    public override string? Fingerprint(NodeValidationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var path = (string?)context.Params["path"];
        var full = path is null ? null : System.IO.Path.GetFullPath(path, context.BaseDirectory);
        return full is not null && File.Exists(full) ? File.GetLastWriteTimeUtc(full).Ticks.ToString(System.Globalization.CultureInfo.InvariantCulture) : null;
    }

    /// <inheritdoc />
    protected override async Task<NodeOutputs> ExecuteAsync(INodeExecutionContext context, SchedulerFromDiffusersOptions options)
    {
        var path = context.ResolveInputPath(options.Path);

        // A regular file of at most 1 MiB (diffusers' configs are under 1 KB); a FIFO or device is never opened.
        JsonObject config;
        try
        {
            config = JsonNode.Parse(SafeFile.ReadAllText(path, 1 << 20, $"{context.NodeId}: scheduler config")) as JsonObject
                ?? throw new InvalidInputException($"{context.NodeId}: {path} is not a JSON object; is it a diffusers scheduler_config.json?", path, null);
        }
        catch (JsonException ex)
        {
            throw new InvalidInputException($"{context.NodeId}: {path} is not valid JSON: {JsonErrors.Describe(ex)}", path, ex);
        }

        var className = config["_class_name"] is JsonValue nameValue && nameValue.TryGetValue<string>(out var name) ? name
            : throw new InvalidInputException($"{context.NodeId}: {path} has no string _class_name; is it a diffusers scheduler_config.json?", path, null);
        var mappings = context.Services.GetServices<IDiffusersSchedulerMapping>().ToList();
        var mapping = mappings.FirstOrDefault(m => m.ClassNames.Contains(className))
            ?? throw new InvalidInputException(
                $"{context.NodeId}: {path} names the diffusers class {className}, which no loaded plugin maps (known: {string.Join(", ", mappings.SelectMany(m => m.ClassNames).Order())}).", path, null);
        DiffusersSchedulerPair pair;
        try
        {
            pair = mapping.Map(className, config, options.StepKwargs);
        }
        catch (Exception ex) when (ex is NotSupportedException or ArgumentException or InvalidDataException or FormatException or InvalidOperationException)
        {
            // The mapping's message names the field; the config file is what needs fixing.
            throw new InvalidInputException($"{context.NodeId}: {path}: {ex.Message}", path, ex);
        }

        var nodeTypes = context.Services.GetRequiredService<INodeTypeCatalog>();
        var scheduler = await RunAsync(context, nodeTypes, pair.Scheduler, "scheduler").ConfigureAwait(false);
        var sampler = await RunAsync(context, nodeTypes, pair.Sampler, "sampler").ConfigureAwait(false);
        return new NodeOutputs().With("scheduler", scheduler).With("sampler", sampler);
    }

    private static async Task<object> RunAsync(INodeExecutionContext context, INodeTypeCatalog nodeTypes, NodeSpec spec, string output)
    {
        if (!nodeTypes.TryGet(spec.Type, out var nodeType))
        {
            throw new InvalidOperationException($"{context.NodeId}: the mapping asks for node type '{spec.Type}', which no loaded plugin registers.");
        }

        // The mapped params pass the same schema checks (kinds, ranges, choices) as params written in a pipeline file.
        var issues = ParamRules.Check($"{context.NodeId}/{spec.Type}", nodeType.Descriptor, spec.Params).ToList();
        var parameters = OptionsSchema.WithDefaults(nodeType.Descriptor.Params, spec.Params);
        if (issues.Count == 0)
        {
            ParamRules.NormalizeIntegers(parameters, nodeType.Descriptor);
            issues.AddRange(nodeType.Validate(new NodeValidationContext($"{context.NodeId}/{spec.Type}", parameters, context.Run.BaseDirectory)));
        }

        if (issues.Count > 0)
        {
            // The params came from the config file: it is the input to fix.
            throw new InvalidInputException($"{context.NodeId}: the scheduler config maps to {spec.Type} params that are invalid: {string.Join("; ", issues.Select(i => i.Message))}");
        }

        var outputs = await nodeType.ExecuteAsync(new NestedContext(context, $"{context.NodeId}/{spec.Type}", parameters)).ConfigureAwait(false);
        return outputs.Values[output];
    }

    /// <summary>A parent's context with other params and no inputs, for running a component node inside this one.</summary>
    private sealed class NestedContext(INodeExecutionContext parent, string nodeId, JsonObject parameters) : INodeExecutionContext
    {
        public string NodeId => nodeId;

        public RunContext Run => parent.Run;

        public IProgress<NodeProgress> Progress => parent.Progress;

        public CancellationToken CancellationToken => parent.CancellationToken;

        public ILogger Logger => parent.Logger;

        public IServiceProvider Services => parent.Services;

        public TOptions GetParams<TOptions>() where TOptions : class =>
            parameters.Deserialize<TOptions>(OptionsJson.Options) ?? throw new InvalidOperationException($"{nodeId}: params bound to null.");

        public T GetInput<T>(string name) where T : class => throw new InvalidOperationException($"{nodeId}: nested component nodes take no inputs ('{name}').");

        public T? GetOptionalInput<T>(string name) where T : class => null;

        public IReadOnlyList<T> GetInputs<T>(string name) where T : class => [];

        public string ResolveInputPath(string path) => parent.ResolveInputPath(path);

        public string ResolveOutputPath(string path) => parent.ResolveOutputPath(path);
    }
}
