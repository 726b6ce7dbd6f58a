using System.Collections.Concurrent;
using Diffusion.Contracts;

namespace Diffusion.Server.Tests;

/// <summary>Options of <see cref="WaitNode"/>.</summary>
public sealed record WaitOptions
{
    [Param("Steps to take.", Min = 0, Max = 100000)]
    public int Steps { get; init; } = 3;

    [Param("Milliseconds per step.", Min = 0, Max = 60000)]
    public int StepMs { get; init; } = 10;

    [Param("Text written to the output file; also the key of the start and cancellation records.")]
    public string Text { get; init; } = "done";

    [Param("The output file.", Path = PathKind.OutputFile)]
    public string Path { get; init; } = "wait.txt";
}

/// <summary>
/// A test node that takes time without using the CPU: it waits <c>steps</c> × <c>step_ms</c>, reporting each step and
/// honouring cancellation, then writes <c>text</c> to <c>path</c> in the run's output folder. It records, by <c>text</c>,
/// how often it started and with which services it saw a cancellation (the cluster tests' silos share this process, and
/// the services say which silo ran the node). Shared with the cluster and browser tests as a linked file.
/// </summary>
public sealed class WaitNode : NodeType<WaitOptions>
{
    public static ConcurrentDictionary<string, int> Starts { get; } = new(StringComparer.Ordinal);

    public static ConcurrentDictionary<string, (IServiceProvider Services, int Step)> Cancellations { get; } = new(StringComparer.Ordinal);

    protected override string Name => "test.wait";

    protected override string Description => "Waits, reporting steps, then writes a text file.";

    protected override bool HasSideEffects => true;

    protected override async Task<NodeOutputs> ExecuteAsync(INodeExecutionContext context, WaitOptions options)
    {
        Starts.AddOrUpdate(options.Text, 1, (_, n) => n + 1);
        var step = 0;
        try
        {
            for (step = 1; step <= options.Steps; step++)
            {
                await Task.Delay(options.StepMs, context.CancellationToken);
                context.Progress.Report(new NodeProgress(step, options.Steps, Values: new Dictionary<string, double> { ["step_squared"] = step * step }));
            }
        }
        catch (OperationCanceledException)
        {
            Cancellations[options.Text] = (context.Services, step);
            throw;
        }

        await File.WriteAllTextAsync(context.ResolveOutputPath(options.Path), options.Text, context.CancellationToken);
        return NodeOutputs.None;
    }
}
