using System.Text.Json;
using System.Text.Json.Nodes;
using Diffusion.Contracts;
using Microsoft.Extensions.Logging;

namespace Diffusion.Core;

/// <summary>The executor's implementation of what a node sees while it runs.</summary>
internal sealed class NodeExecutionContext(
    ValidatedNode node,
    RunContext run,
    IReadOnlyDictionary<string, IReadOnlyList<object>> inputs,
    IProgress<NodeProgress> progress,
    IServiceProvider services,
    ILogger logger,
    RunPaths paths,
    CancellationToken cancellationToken) : INodeExecutionContext
{
    public string NodeId => node.Id;

    public RunContext Run => run;

    public IProgress<NodeProgress> Progress => progress;

    public CancellationToken CancellationToken => cancellationToken;

    public ILogger Logger => logger;

    public IServiceProvider Services => services;

    public TOptions GetParams<TOptions>() where TOptions : class
    {
        try
        {
            return node.Params.Deserialize<TOptions>(OptionsJson.Options)
                ?? throw new InvalidOperationException($"Params of node \"{node.Id}\" bound to null.");
        }
        catch (JsonException ex)
        {
            throw new PipelineExecutionException(node.Id, node.Definition.Type, $"params do not fit {typeof(TOptions).Name}: {ex.Message}", ex);
        }
    }

    public T GetInput<T>(string name) where T : class =>
        GetOptionalInput<T>(name)
        ?? throw new PipelineExecutionException(node.Id, node.Definition.Type, $"input \"{name}\" is not linked; link it in the pipeline file.");

    public T? GetOptionalInput<T>(string name) where T : class
    {
        if (!inputs.TryGetValue(name, out var values) || values.Count == 0)
        {
            return null;
        }

        return Cast<T>(name, values[0]);
    }

    public IReadOnlyList<T> GetInputs<T>(string name) where T : class =>
        inputs.TryGetValue(name, out var values) ? [.. values.Select(v => Cast<T>(name, v))] : [];

    public string ResolveInputPath(string path) => paths.ResolveInput(node.Id, path);

    public string ResolveOutputPath(string path) => paths.ResolveOutput(node.Id, path);

    private T Cast<T>(string name, object value) where T : class =>
        value as T ?? throw new PipelineExecutionException(
            node.Id,
            node.Definition.Type,
            $"input \"{name}\" holds a {value.GetType().Name}, but the node asked for {typeof(T).Name}. The producing node's output port type does not match its value: report this to the plugin's author.");
}
