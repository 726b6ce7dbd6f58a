using Diffusion.Contracts;
using Diffusion.Torch.Imaging;

namespace Diffusion.Server.Tests;

/// <summary>Options of <see cref="PreviewNode"/>.</summary>
public sealed record PreviewNodeOptions
{
    [Param("Steps to take.", Min = 1, Max = 10000)]
    public int Steps { get; init; } = 10;

    [Param("Milliseconds per step.", Min = 0, Max = 60000)]
    public int StepMs { get; init; } = 10;

    [Param("The output file: says whether the run asked for previews.", Path = PathKind.OutputFile)]
    public string Path { get; init; } = "previews.txt";
}

/// <summary>
/// A test node that sends a preview with every step when the run asks for previews (no throttle of its own, so the
/// server's per-run bound is what is tested): a 3 × 2 grey PNG whose every pixel is the step number.
/// </summary>
public sealed class PreviewNode : NodeType<PreviewNodeOptions>
{
    protected override string Name => "test.preview";

    protected override string Description => "Reports steps, each with a preview when previews are asked for.";

    protected override bool HasSideEffects => true;

    protected override async Task<NodeOutputs> ExecuteAsync(INodeExecutionContext context, PreviewNodeOptions options)
    {
        var asked = context.Run.PreviewInterval is not null;
        for (var step = 1; step <= options.Steps; step++)
        {
            await Task.Delay(options.StepMs, context.CancellationToken);
            context.Progress.Report(new NodeProgress(step, options.Steps)
            {
                Preview = asked ? PngEncoder.Encode(Enumerable.Repeat((byte)step, 6).ToArray(), 3, 2, 1) : null,
            });
        }

        await File.WriteAllTextAsync(context.ResolveOutputPath(options.Path), asked ? $"previews every {context.Run.PreviewInterval}" : "no previews", context.CancellationToken);
        return NodeOutputs.None;
    }
}
