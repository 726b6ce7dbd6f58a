using System.ComponentModel;
using System.Globalization;
using Diffusion.Cli.Rendering;
using Diffusion.Contracts;
using Diffusion.Core;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Diffusion.Cli.Commands;

/// <summary><c>diffuse run pipeline.json</c>: validate, then run with progress; Ctrl+C cancels cleanly.</summary>
internal sealed class RunCommand : AsyncCommand<RunCommand.Settings>
{
    /// <summary>How long running nodes get to observe cancellation before the process exits anyway.</summary>
    private static readonly TimeSpan CancelGrace = TimeSpan.FromMilliseconds(800);
    private static readonly TimeSpan CancelDeadline = TimeSpan.FromSeconds(3);

    internal sealed class Settings : PipelineFileSettings
    {
        [CommandOption("--out <DIR>")]
        [Description("Folder for outputs with relative paths (default: ./out).")]
        public string Out { get; init; } = "out";

        [CommandOption("--seed <SEED>")]
        [Description("The run's default seed (nodes with their own seed param keep it).")]
        public long Seed { get; init; }

        [CommandOption("--no-cache")]
        [Description("Run every node even if its outputs are cached.")]
        public bool NoCache { get; init; }

        [CommandOption("--parallel <N>")]
        [Description("Independent nodes run at once (default: 1 on the CPU, where each node already uses every core; 2 on CUDA).")]
        public int? Parallel { get; init; }

        [CommandOption("--overwrite")]
        [Description("Let outputs replace existing files (regular files only). Without it a run that would replace a file stops before it starts.")]
        public bool Overwrite { get; init; }

        public override Spectre.Console.ValidationResult Validate()
        {
            if (Parallel is < 1 or > 64)
            {
                return Spectre.Console.ValidationResult.Error($"--parallel {Parallel} is out of range: give 1 to 64 nodes at once.");
            }

            return string.IsNullOrWhiteSpace(Out) ? Spectre.Console.ValidationResult.Error("--out needs a folder.") : base.Validate();
        }
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        using var provider = HostFactory.Create(settings);
        PluginWarnings.Print(provider);
        var runner = provider.GetRequiredService<IPipelineRunner>();
        var pipeline = PipelineFileCheck.ReadAndValidate(runner, settings, out var positions);
        if (pipeline is null)
        {
            return ExitCodes.InvalidInput;
        }

        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var finished = new CancellationTokenSource();
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            e.Cancel = true;
            if (cancel.IsCancellationRequested)
            {
                ExitNow();
            }

            // Armed first, on its own thread: CI twice saw a cancelled CLI still alive 30 s after SIGINT (never reproduced
            // alone), so whatever a cancellation callback or the end of the run may block on, the process ends by then.
            new Thread(() =>
            {
                Thread.Sleep(CancelDeadline);
                ExitNow();
            }) { IsBackground = true, Name = "cancel deadline" }.Start();
            Console.Error.WriteLine("Cancelling (outputs already written are kept)...");
            cancel.Cancel();

            // Nodes check the token every step; one that is stuck in a long native call must not hold the user up.
            // Outputs are written atomically (temp file + rename), so exiting mid-step loses nothing already written.
            _ = Task.Delay(CancelGrace, finished.Token).ContinueWith(t => { if (!t.IsCanceled) { ExitNow(); } }, TaskScheduler.Default);
        };
        Console.CancelKeyPress += onCancel;
        try
        {
            var options = new RunOptions
            {
                Seed = settings.Seed,
                Device = settings.Device,
                OutputDirectory = settings.Out,
                UseCache = !settings.NoCache,
                Overwrite = settings.Overwrite,
                // Two torch-heavy nodes on the CPU oversubscribe the cores (OpenMP teams spin against each other):
                // a sampler comparison took 589 s with two nodes at once at libtorch's default threads, 50 s at one thread each.
                MaxParallelism = settings.Parallel ?? (Diffusion.Torch.TorchRuntime.ResolveDevice(settings.Device).type == TorchSharp.DeviceType.CUDA ? 2 : 1),
            };
            var renderer = new ProgressRenderer();
            PipelineRunResult result;
            try
            {
                result = ProgressRenderer.Interactive
                    ? await renderer.RunWithBarsAsync(sink => runner.RunAsync(pipeline, options, new CallbackProgress<PipelineEvent>(sink), cancel.Token)).ConfigureAwait(false)
                    : await runner.RunAsync(pipeline, options, new CallbackProgress<PipelineEvent>(renderer.WritePlain), cancel.Token).ConfigureAwait(false);
            }
            catch (PipelineValidationException invalid)
            {
                // Found just before the run, with the output folder known: an output that exists, a link out of --out.
                IssuePrinter.Print(settings.Pipeline, [.. invalid.Issues.Select(i => PipelineReader.Locate(i, positions))]);
                return ExitCodes.InvalidInput;
            }

            PrintSummary(result, pipeline);
            return result.Status switch
            {
                RunStatus.Succeeded => ExitCodes.Success,
                RunStatus.Cancelled => ExitCodes.Cancelled,
                _ when result.Failures.Any(f => f.InvalidInput) => ExitCodes.InvalidInput,
                _ => ExitCodes.RunFailed,
            };
        }
        finally
        {
            finished.Cancel();
            Console.CancelKeyPress -= onCancel;
        }
    }

    private static void ExitNow()
    {
        Console.Error.WriteLine("Cancelled.");
        ImmediateExit.Now(ExitCodes.Cancelled);
    }

    private static void PrintSummary(PipelineRunResult result, ValidatedPipeline pipeline)
    {
        // Rows in the pipeline's dependency order, so a rerun prints the same table.
        var metrics = pipeline.Nodes
            .Where(n => result.Outputs.ContainsKey(n.Id))
            .SelectMany(n => result.Outputs[n.Id].Values.Values.OfType<MetricSet>().Select(m => (Node: n.Id, Set: m)))
            .ToList();
        if (metrics.Count > 0)
        {
            var names = metrics.SelectMany(m => m.Set.Values.Keys).Distinct(StringComparer.Ordinal).ToList();
            var console = AnsiConsole.Profile.Width;

            // One column per metric while it fits the terminal; otherwise one "name=value" cell per row, which wraps.
            var wide = (names.Count + 2) * 12 <= console;
            var table = new Table().AddColumn("node").AddColumn("label");
            if (wide)
            {
                foreach (var name in names)
                {
                    table.AddColumn(new TableColumn(Text(name)).RightAligned());
                }
            }
            else
            {
                table.AddColumn("metrics");
            }

            foreach (var (node, set) in metrics)
            {
                string Format(double v) => v.ToString("G5", CultureInfo.InvariantCulture);
                table.AddRow(wide
                    ? [Text(node), Text(set.Label), .. names.Select(n => set.Values.TryGetValue(n, out var v) ? Format(v) : "")]
                    : [Text(node), Text(set.Label), Text(string.Join("  ", set.Values.Select(kv => $"{kv.Key}={Format(kv.Value)}")))]);
            }

            AnsiConsole.Write(table);
        }

        foreach (var file in result.Outputs.SelectMany(o => o.Value.Values.Where(v => v.Key == "file").Select(v => v.Value)).OfType<string>())
        {
            AnsiConsole.MarkupLineInterpolated($"wrote [green]{TerminalText.Clean(file)}[/]");
        }

        foreach (var failure in result.Failures)
        {
            AnsiConsole.MarkupLineInterpolated($"[red]{TerminalText.Clean(failure.Message)}[/]");
        }

        AnsiConsole.MarkupLineInterpolated($"run {TerminalText.Clean(result.RunId)}: {result.Status.ToString().ToLowerInvariant()} in {result.Elapsed.TotalSeconds:F1}s");
    }

    private static string Text(string? value) => Markup.Escape(TerminalText.Clean(value));
}
