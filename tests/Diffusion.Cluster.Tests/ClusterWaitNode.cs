using System.Collections.Concurrent;
using Diffusion.Contracts;
using Microsoft.Extensions.DependencyInjection;

namespace Diffusion.Cluster.Tests;

/// <summary>Options of <see cref="ClusterWaitNode"/>.</summary>
public sealed record ClusterWaitOptions
{
    [Param("Steps to take.", Min = 0, Max = 100000)]
    public int Steps { get; init; } = 3;

    [Param("Milliseconds per step.", Min = 0, Max = 60000)]
    public int StepMs { get; init; } = 10;

    [Param("Text written to the output file; also the key of the execution records.")]
    public string Text { get; init; } = "done";

    [Param("The output file.", Path = PathKind.OutputFile)]
    public string Path { get; init; } = "wait.txt";
}

/// <summary>
/// A test node that waits without CPU, reporting steps and honouring cancellation, then writes <c>text</c> to
/// <c>path</c>. It records, by <c>text</c>, how often it started and on which silo it saw a cancellation (the silos of a
/// test cluster share this process, so the records are shared too).
/// </summary>
public sealed class ClusterWaitNode : NodeType<ClusterWaitOptions>
{
    public static ConcurrentDictionary<string, int> Starts { get; } = new(StringComparer.Ordinal);

    public static ConcurrentDictionary<string, (string Silo, int Step)> Cancellations { get; } = new(StringComparer.Ordinal);

    protected override string Name => "test.cluster_wait";

    protected override string Description => "Waits, reporting steps, then writes a text file; records starts and cancellations.";

    protected override bool HasSideEffects => true;

    protected override async Task<NodeOutputs> ExecuteAsync(INodeExecutionContext context, ClusterWaitOptions options)
    {
        Starts.AddOrUpdate(options.Text, 1, (_, n) => n + 1);
        var step = 0;
        try
        {
            for (step = 1; step <= options.Steps; step++)
            {
                await Task.Delay(options.StepMs, context.CancellationToken);
                context.Progress.Report(new NodeProgress(step, options.Steps));
            }
        }
        catch (OperationCanceledException)
        {
            // The node's services are its silo's: the silo that saw the cancel is the one that ran the node.
            var silo = context.Services.GetService<ILocalSiloDetails>()?.SiloAddress.ToString() ?? "(no silo)";
            Cancellations[options.Text] = (silo, step);
            throw;
        }

        await File.WriteAllTextAsync(context.ResolveOutputPath(options.Path), options.Text, context.CancellationToken);
        return NodeOutputs.None;
    }
}
