using System.Collections.Concurrent;
using System.Globalization;
using Diffusion.Contracts;
using Spectre.Console;

namespace Diffusion.Cli.Rendering;

/// <summary>
/// Shows run events: live progress bars on an interactive terminal, plain timestamped lines otherwise (logs, CI, pipes),
/// with step progress throttled to one line per node every couple of seconds.
/// </summary>
internal sealed class ProgressRenderer
{
    private readonly ConcurrentDictionary<string, DateTimeOffset> lastPlainLine = new(StringComparer.Ordinal);

    public static bool Interactive => AnsiConsole.Profile.Capabilities.Interactive && !Console.IsOutputRedirected;

    /// <summary>Writes one event as a plain line (non-interactive mode).</summary>
    public void WritePlain(PipelineEvent e)
    {
        var line = Describe(e);
        if (line is null)
        {
            return;
        }

        if (e.Kind == PipelineEventKind.NodeProgress)
        {
            var last = lastPlainLine.GetValueOrDefault(e.NodeId!);
            var final = e.Total is > 0 && e.Step >= e.Total;
            if (!final && e.Timestamp - last < TimeSpan.FromSeconds(2))
            {
                return;
            }

            lastPlainLine[e.NodeId!] = e.Timestamp;
        }

        Console.Out.WriteLine(TerminalText.Clean($"{e.Timestamp.ToLocalTime():HH:mm:ss} {line}"));
        Console.Out.Flush();
    }

    /// <summary>Runs <paramref name="run"/> while drawing progress bars from the events it feeds to the callback.</summary>
    public async Task<T> RunWithBarsAsync<T>(Func<Action<PipelineEvent>, Task<T>> run)
    {
        T result = default!;
        await AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new SpinnerColumn())
            .StartAsync(async progress =>
            {
                var tasks = new ConcurrentDictionary<string, ProgressTask>(StringComparer.Ordinal);
                ProgressTask TaskFor(PipelineEvent e) => tasks.GetOrAdd(e.NodeId!, id => progress.AddTask(Text($"{id} ({e.NodeType})"), maxValue: 1));
                result = await run(e =>
                {
                    switch (e.Kind)
                    {
                        case PipelineEventKind.NodeStarted:
                            TaskFor(e).StartTask();
                            break;
                        case PipelineEventKind.NodeProgress when e.Total is > 0:
                            var task = TaskFor(e);
                            task.MaxValue = e.Total.Value;
                            task.Value = e.Step ?? 0;
                            if (e.Values is { Count: > 0 } values)
                            {
                                task.Description = Text($"{e.NodeId} ({e.NodeType}) " + string.Join(" ", values.Select(v => $"{v.Key}={v.Value.ToString("G4", CultureInfo.InvariantCulture)}")));
                            }

                            break;
                        case PipelineEventKind.NodeFinished or PipelineEventKind.NodeCached:
                            var done = TaskFor(e);
                            done.Value = done.MaxValue;
                            if (e.Kind == PipelineEventKind.NodeCached)
                            {
                                done.Description = Text($"{e.NodeId} ({e.NodeType}) [cached]");
                            }

                            done.StopTask();
                            break;
                        case PipelineEventKind.NodeFailed or PipelineEventKind.NodeSkipped:
                            var failed = TaskFor(e);
                            failed.Description = $"[red]{Text($"{e.NodeId} ({e.NodeType}) {e.Kind.ToString().ToLowerInvariant()[4..]}")}[/]";
                            failed.StopTask();
                            break;
                    }
                }).ConfigureAwait(false);
            }).ConfigureAwait(false);
        return result;
    }

    private static string? Describe(PipelineEvent e) => e.Kind switch
    {
        PipelineEventKind.RunStarted => $"run {e.RunId} started",
        PipelineEventKind.NodeStarted => $"{e.NodeId} ({e.NodeType}) started",
        PipelineEventKind.NodeProgress => $"{e.NodeId} step {e.Step}/{e.Total}{Values(e)}{(e.Message is null ? "" : " " + e.Message)}",
        PipelineEventKind.NodeFinished => $"{e.NodeId} finished in {e.Elapsed?.TotalSeconds:F2}s",
        PipelineEventKind.NodeCached => $"{e.NodeId} (cached)",
        PipelineEventKind.NodeFailed => $"{e.NodeId} FAILED: {e.Message}",
        PipelineEventKind.NodeSkipped => $"{e.NodeId} skipped ({e.Message})",
        PipelineEventKind.RunFinished => $"run {e.RunId} finished in {e.Elapsed?.TotalSeconds:F2}s",
        PipelineEventKind.RunFailed => $"run {e.RunId} failed",
        PipelineEventKind.RunCancelled => $"run {e.RunId} cancelled",
        _ => null,
    };

    private static string Text(string value) => Markup.Escape(TerminalText.Clean(value));

    private static string Values(PipelineEvent e) =>
        e.Values is { Count: > 0 } values ? " " + string.Join(" ", values.Select(v => $"{v.Key}={v.Value.ToString("G4", CultureInfo.InvariantCulture)}")) : "";
}
