using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using Diffusion.Contracts;
using Microsoft.Extensions.Logging;
using TorchSharp;

namespace Diffusion.Plugins.Tests.Infrastructure;

/// <summary>
/// A hand-wired <see cref="INodeExecutionContext"/> for calling node types directly in tests, before (or without) the
/// engine: params as a <see cref="JsonObject"/> bound with <see cref="OptionsJson"/>, inputs from a dictionary (a
/// <see cref="IEnumerable{T}"/> of values for variadic inputs), a CPU <see cref="RunContext"/> whose output folder is a
/// fresh temp folder (deleted on Dispose), and progress and log lines recorded for assertions.
/// </summary>
/// <example>
/// <code>
/// using var context = new TestNodeContext("train", new JsonObject { ["steps"] = 10 })
///     .WithInput("data", dataset).WithInput("denoiser", net);
/// var outputs = await new DenoisingTrainNode().ExecuteAsync(context);
/// </code>
/// </example>
public sealed class TestNodeContext : INodeExecutionContext, IDisposable
{
    private readonly Dictionary<string, object> inputs = new(StringComparer.Ordinal);
    private readonly JsonObject parameters;
    private readonly bool ownsOutputDirectory;

    /// <summary>Creates a context for node <paramref name="nodeId"/> with <paramref name="parameters"/> (null: all defaults).</summary>
    /// <param name="nodeId">The node id.</param>
    /// <param name="parameters">The node's params.</param>
    /// <param name="run">The run; null creates a CPU run with seed 0 and a temp output folder.</param>
    /// <param name="cancellationToken">The token the node sees.</param>
    public TestNodeContext(string nodeId, JsonObject? parameters = null, RunContext? run = null, CancellationToken cancellationToken = default)
    {
        NodeId = nodeId;
        this.parameters = parameters ?? [];
        CancellationToken = cancellationToken;
        Logger = new RecordingLogger(LogLines);
        if (run is null)
        {
            var directory = Path.Combine(Path.GetTempPath(), "diffusion-tests", $"{nodeId}-{Guid.NewGuid():N}");
            Directory.CreateDirectory(directory);
            ownsOutputDirectory = true;
            run = new RunContext
            {
                RunId = $"test-{Guid.NewGuid():N}",
                Device = torch.CPU,
                OutputDirectory = directory,
                BaseDirectory = directory,
                Logger = Logger,
            };
        }

        Run = run;
    }

    /// <inheritdoc />
    public string NodeId { get; }

    /// <inheritdoc />
    public RunContext Run { get; }

    /// <summary>Every progress report, in order.</summary>
    public ConcurrentQueue<NodeProgress> ProgressReports { get; } = new();

    /// <summary>Every log line ("Level: message"), in order.</summary>
    public ConcurrentQueue<string> LogLines { get; } = new();

    /// <inheritdoc />
    public IProgress<NodeProgress> Progress => new SynchronousProgress(ProgressReports);

    /// <inheritdoc />
    public CancellationToken CancellationToken { get; }

    /// <inheritdoc />
    public ILogger Logger { get; }

    /// <inheritdoc />
    public IServiceProvider Services { get; init; } = EmptyServiceProvider.Instance;

    /// <summary>Links a value to an input (a list of values for a variadic input); returns this.</summary>
    public TestNodeContext WithInput(string name, object value)
    {
        inputs[name] = value;
        return this;
    }

    /// <inheritdoc />
    public TOptions GetParams<TOptions>() where TOptions : class =>
        parameters.Deserialize<TOptions>(OptionsJson.Options)
        ?? throw new InvalidOperationException($"Params of '{NodeId}' bound to null.");

    /// <inheritdoc />
    public T GetInput<T>(string name) where T : class =>
        GetOptionalInput<T>(name) ?? throw new InvalidOperationException($"Node '{NodeId}': required input '{name}' is not linked.");

    /// <inheritdoc />
    public T? GetOptionalInput<T>(string name) where T : class => inputs.TryGetValue(name, out var value)
        ? value as T ?? throw new InvalidCastException($"Node '{NodeId}': input '{name}' holds a {value.GetType().Name}, not a {typeof(T).Name}.")
        : null;

    /// <inheritdoc />
    public IReadOnlyList<T> GetInputs<T>(string name) where T : class => inputs.TryGetValue(name, out var value)
        ? value switch
        {
            T single => [single],
            System.Collections.IEnumerable many => many.Cast<T>().ToList(),
            _ => throw new InvalidCastException($"Node '{NodeId}': input '{name}' holds a {value.GetType().Name}, not {typeof(T).Name} values."),
        }
        : [];

    /// <inheritdoc />
    public string ResolveInputPath(string path) => Path.GetFullPath(path, Run.BaseDirectory);

    /// <inheritdoc />
    public string ResolveOutputPath(string path)
    {
        var full = Path.GetFullPath(path, Run.OutputDirectory);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        return full;
    }

    /// <summary>Deletes the temp output folder this context created.</summary>
    public void Dispose()
    {
        if (ownsOutputDirectory && Directory.Exists(Run.OutputDirectory))
        {
            Directory.Delete(Run.OutputDirectory, recursive: true);
        }
    }

    private sealed class SynchronousProgress(ConcurrentQueue<NodeProgress> sink) : IProgress<NodeProgress>
    {
        public void Report(NodeProgress value) => sink.Enqueue(value);
    }

    private sealed class EmptyServiceProvider : IServiceProvider
    {
        public static EmptyServiceProvider Instance { get; } = new();

        public object? GetService(Type serviceType) => null;
    }

    private sealed class RecordingLogger(ConcurrentQueue<string> sink) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            sink.Enqueue($"{logLevel}: {formatter(state, exception)}");
    }
}
