using System.Text.Json;
using System.Text.Json.Nodes;
using Diffusion.Contracts;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Diffusion.Core.Tests.Plugins;

/// <summary>
/// Just enough of <see cref="INodeExecutionContext"/> to run one plugin node by hand, without the executor: params
/// bound with the <see cref="OptionsJson"/> convention, inputs from a dictionary.
/// </summary>
internal sealed class MinimalNodeContext(JsonObject parameters, IReadOnlyDictionary<string, object> inputs) : INodeExecutionContext
{
    public string NodeId => "node";

    public RunContext Run => throw new NotSupportedException("not needed by the nodes these tests run");

    public TOptions GetParams<TOptions>() where TOptions : class =>
        parameters.Deserialize<TOptions>(OptionsJson.Options) ?? throw new InvalidOperationException("params bound to null");

    public T GetInput<T>(string name) where T : class => (T)inputs[name];

    public T? GetOptionalInput<T>(string name) where T : class => inputs.TryGetValue(name, out var v) ? (T)v : null;

    public IReadOnlyList<T> GetInputs<T>(string name) where T : class => inputs.TryGetValue(name, out var v) ? [(T)v] : [];

    public IProgress<NodeProgress> Progress { get; } = new Progress<NodeProgress>();

    public CancellationToken CancellationToken => CancellationToken.None;

    public ILogger Logger => NullLogger.Instance;

    public IServiceProvider Services => throw new NotSupportedException("not needed by the nodes these tests run");

    public string ResolveInputPath(string path) => path;

    public string ResolveOutputPath(string path) => path;
}
