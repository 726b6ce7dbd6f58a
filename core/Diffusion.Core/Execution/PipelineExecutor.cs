using System.Collections.Concurrent;
using System.Diagnostics;
using Diffusion.Contracts;
using Diffusion.Torch;
using Diffusion.Torch.Files;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Diffusion.Core;

/// <summary>
/// Runs a validated pipeline: nodes in dependency order, independent branches concurrently (up to
/// <see cref="RunOptions.MaxParallelism"/>), outputs cached by content hash, progress streamed as
/// <see cref="PipelineEvent"/>s. A failing node fails only what depends on it; cancellation stops launching nodes,
/// lets running ones observe the token, and keeps every output already produced.
/// </summary>
public sealed class PipelineExecutor(IServiceProvider services, NodeOutputCache cache, ILoggerFactory? loggerFactory = null, string defaultDevice = "auto")
{
    private readonly ILoggerFactory loggers = loggerFactory ?? NullLoggerFactory.Instance;

    /// <summary>
    /// Runs <paramref name="pipeline"/>; never throws for node failures (see the result). Before any node runs, every
    /// path param is checked against this run's roots (inputs exist inside an input root; outputs stay inside the
    /// output folder through links, collide with no other node and replace no existing file unless
    /// <see cref="RunOptions.Overwrite"/>), and a problem throws <see cref="PipelineValidationException"/>.
    /// </summary>
    public async Task<PipelineRunResult> RunAsync(
        ValidatedPipeline pipeline,
        RunOptions? options = null,
        Action<PipelineEvent>? onEvent = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        options ??= new RunOptions();
        var paths = PreparePaths(pipeline, options);
        var runId = options.RunId ?? NewRunId();
        var clock = Stopwatch.StartNew();
        var emit = onEvent ?? (_ => { });
        var events = new EventFactory(runId, emit);
        events.Emit(events.ForRun(PipelineEventKind.RunStarted));

        var run = new RunContext
        {
            RunId = runId,
            Seed = options.Seed,
            Device = TorchRuntime.ResolveDevice(options.Device ?? defaultDevice),
            OutputDirectory = paths.OutputRoot,
            BaseDirectory = pipeline.Definition.BaseDirectory,
            Logger = loggers.CreateLogger("Diffusion.Run"),
            PreviewInterval = options.PreviewInterval,
        };

        var byId = pipeline.Nodes.ToDictionary(n => n.Id, StringComparer.Ordinal);
        var keys = ComputeKeys(pipeline);
        var dependents = pipeline.Nodes.ToDictionary(n => n.Id, _ => new List<string>(), StringComparer.Ordinal);
        var remaining = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var node in pipeline.Nodes)
        {
            var deps = node.Dependencies.ToList();
            remaining[node.Id] = deps.Count;
            foreach (var dep in deps)
            {
                dependents[dep].Add(node.Id);
            }
        }

        var outputs = new ConcurrentDictionary<string, NodeOutputs>(StringComparer.Ordinal);
        var failures = new List<NodeFailure>();
        var failed = new HashSet<string>(StringComparer.Ordinal);
        var blocked = new HashSet<string>(StringComparer.Ordinal);
        var ready = new Queue<string>(pipeline.Nodes.Where(n => remaining[n.Id] == 0).Select(n => n.Id));
        var running = new Dictionary<Task<NodeOutputs>, string>();
        var cancelled = false;
        var parallelism = Math.Max(1, options.MaxParallelism);

        while (true)
        {
            while (ready.Count > 0 && running.Count < parallelism && !cancellationToken.IsCancellationRequested)
            {
                var id = ready.Dequeue();
                var node = byId[id];
                running[Task.Run(() => ExecuteNodeAsync(node, keys[id], run, paths, outputs, options.UseCache, options.Resume, events, cancellationToken), CancellationToken.None)] = id;
            }

            if (running.Count == 0)
            {
                break;
            }

            var done = await Task.WhenAny(running.Keys).ConfigureAwait(false);
            var doneId = running[done];
            running.Remove(done);
            if (done.IsCompletedSuccessfully)
            {
                outputs[doneId] = done.Result;
                foreach (var next in dependents[doneId])
                {
                    if (--remaining[next] == 0 && !blocked.Contains(next))
                    {
                        ready.Enqueue(next);
                    }
                }

                continue;
            }

            // A node that honours the token ends as a Canceled task, whose Exception is null: that is the run being
            // cancelled, not a failure of the node.
            Exception? error = done.Exception is { InnerExceptions.Count: 1 } single ? single.InnerExceptions[0] : done.Exception;
            if ((done.IsCanceled || error is OperationCanceledException) && cancellationToken.IsCancellationRequested)
            {
                cancelled = true;
                continue;
            }

            error ??= new OperationCanceledException("the node cancelled itself although the run was not cancelled");
            var failure = NodeErrors.Describe(byId[doneId], error);
            failures.Add(failure);
            failed.Add(doneId);
            events.Emit(events.ForNode(PipelineEventKind.NodeFailed, byId[doneId]) with { Message = failure.Message });
            Block(doneId, dependents, blocked);
        }

        cancelled |= cancellationToken.IsCancellationRequested;
        var skipped = pipeline.Nodes.Select(n => n.Id).Where(id => !outputs.ContainsKey(id) && !failed.Contains(id)).ToList();
        foreach (var id in skipped)
        {
            events.Emit(events.ForNode(PipelineEventKind.NodeSkipped, byId[id]) with { Message = cancelled ? "cancelled" : "a node it depends on failed" });
        }

        var status = cancelled ? RunStatus.Cancelled : failures.Count > 0 ? RunStatus.Failed : RunStatus.Succeeded;
        events.Emit(events.ForRun(status switch { RunStatus.Succeeded => PipelineEventKind.RunFinished, RunStatus.Cancelled => PipelineEventKind.RunCancelled, _ => PipelineEventKind.RunFailed }) with
        {
            Elapsed = clock.Elapsed,
            Message = failures.Count > 0 ? string.Join(Environment.NewLine, failures.Select(f => f.Message)) : null,
        });
        return new PipelineRunResult(runId, status, new Dictionary<string, NodeOutputs>(outputs, StringComparer.Ordinal), failures, skipped, clock.Elapsed);
    }

    private async Task<NodeOutputs> ExecuteNodeAsync(
        ValidatedNode node,
        string key,
        RunContext run,
        RunPaths paths,
        ConcurrentDictionary<string, NodeOutputs> outputs,
        bool useCache,
        INodeResume? resume,
        EventFactory events,
        CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var descriptor = node.Type.Descriptor;
        var cacheable = useCache && !descriptor.HasSideEffects && cache.BudgetBytes > 0;
        if (cacheable && cache.TryGet(key, out var cached))
        {
            events.Emit(events.ForNode(PipelineEventKind.NodeCached, node));
            return cached;
        }

        if (resume is not null && resume.TryRestore(node, key, paths.OutputRoot, out var restored))
        {
            events.Emit(events.ForNode(PipelineEventKind.NodeCached, node) with { Message = "completed by an earlier attempt of this run; its files were restored" });
            return restored;
        }

        events.Emit(events.ForNode(PipelineEventKind.NodeStarted, node));
        var clock = Stopwatch.StartNew();
        var inputs = node.Inputs.ToDictionary(
            i => i.Key,
            i => (IReadOnlyList<object>)[.. i.Value.Select(link => outputs[link.Node].Values[link.Output])],
            StringComparer.Ordinal);
        var progress = new CallbackProgress<NodeProgress>(p => events.Emit(events.ForNode(PipelineEventKind.NodeProgress, node) with
        {
            Step = p.Step,
            Total = p.Total,
            Message = p.Message,
            Values = p.Values,
            Preview = p.Preview,
        }));
        var context = new NodeExecutionContext(node, run, inputs, progress, services, loggers.CreateLogger(descriptor.Name), paths, cancellationToken);
        var result = await node.Type.NodeType.ExecuteAsync(context).ConfigureAwait(false);
        foreach (var port in descriptor.Outputs.Where(p => !result.Values.ContainsKey(p.Name)))
        {
            throw new PipelineExecutionException(node.Id, descriptor.Name, $"the node type declared output \"{port.Name}\" but did not produce it. Report this to the plugin's author.");
        }

        if (cacheable)
        {
            cache.Put(key, result);
        }

        resume?.Completed(node, key, paths.OutputRoot, result, paths.WrittenBy(node.Id));

        events.Emit(events.ForNode(PipelineEventKind.NodeFinished, node) with { Elapsed = clock.Elapsed });
        return result;
    }

    /// <summary>The run's path rules, after checking every path param against them (see <see cref="RunAsync"/>).</summary>
    private static RunPaths PreparePaths(ValidatedPipeline pipeline, RunOptions options)
    {
        var policy = new InputRootPolicy { ExtraRoots = options.InputRoots, PipelineFolderIsRoot = options.PipelineFolderIsInputRoot };
        var baseDirectory = pipeline.Definition.BaseDirectory;
        var roots = policy.RootsFor(baseDirectory);
        var outputRoot = LinkResolution.Resolve(Path.GetFullPath(options.OutputDirectory ?? Directory.GetCurrentDirectory()));
        var issues = new List<ValidationIssue>();
        if (FileProbe.Inspect(outputRoot).Kind is not (FileEntryKind.Missing or FileEntryKind.Directory) and var kind)
        {
            issues.Add(new ValidationIssue(ValidationCodes.OutputConflict, $"The output folder {outputRoot} is {new FileEntry(kind, 0).Describe()}, not a folder; choose another output folder (--out).", ""));
        }
        else
        {
            var rules = new PathRules(roots, outputRoot, options.Overwrite);
            foreach (var node in pipeline.Nodes)
            {
                rules.Check(node.Id, node.Type.Descriptor, node.Definition.Params, node.Params, baseDirectory, issues);
            }
        }

        if (issues.Count > 0)
        {
            throw new PipelineValidationException(issues);
        }

        return new RunPaths(baseDirectory, roots, outputRoot, options.Overwrite);
    }

    private static Dictionary<string, string> ComputeKeys(ValidatedPipeline pipeline)
    {
        var keys = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var node in pipeline.Nodes)
        {
            string? fingerprint;
            try
            {
                fingerprint = node.Type.NodeType.Fingerprint(new NodeValidationContext(node.Id, node.Params, pipeline.Definition.BaseDirectory));
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // A node that cannot say what it depends on (e.g. its file is missing) must not be answered from the
                // cache; the node itself reports the problem when it runs.
                fingerprint = "unfingerprintable:" + Guid.NewGuid().ToString("n");
            }

            keys[node.Id] = CacheKeys.Compute(node, keys, fingerprint);
        }

        return keys;
    }

    private static void Block(string failed, Dictionary<string, List<string>> dependents, HashSet<string> blocked)
    {
        var stack = new Stack<string>(dependents[failed]);
        while (stack.TryPop(out var id))
        {
            if (blocked.Add(id))
            {
                foreach (var next in dependents[id])
                {
                    stack.Push(next);
                }
            }
        }
    }

    /// <summary>Stamps events with the run id and time, and delivers them without letting a faulty listener break the run.</summary>
    private sealed class EventFactory(string runId, Action<PipelineEvent> sink)
    {
        private readonly Lock gate = new();

        public PipelineEvent ForRun(PipelineEventKind kind) => new(kind, runId, DateTimeOffset.UtcNow);

        public PipelineEvent ForNode(PipelineEventKind kind, ValidatedNode node) =>
            new(kind, runId, DateTimeOffset.UtcNow) { NodeId = node.Id, NodeType = node.Definition.Type };

        public void Emit(PipelineEvent e)
        {
            lock (gate)
            {
                try
                {
                    sink(e);
                }
                catch (Exception ex) when (ex is not OutOfMemoryException)
                {
                    Trace.TraceWarning($"A pipeline event listener threw: {ex.Message}");
                }
            }
        }
    }

    /// <summary>A fresh run id: 12 hex digits.</summary>
    internal static string NewRunId() => Guid.NewGuid().ToString("n")[..12];
}
