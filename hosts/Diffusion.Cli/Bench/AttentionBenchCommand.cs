using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Diffusion.Cli.Commands;
using Diffusion.Contracts;
using Diffusion.Core;
using Diffusion.Torch;
using Diffusion.Torch.Files;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;
using Spectre.Console.Cli;
using TorchSharp;
using static Diffusion.Cli.Bench.BenchStatistics;
using static TorchSharp.torch;

namespace Diffusion.Cli.Bench;

/// <summary>
/// <c>diffuse bench attention</c>: time and peak extra memory of every attention backend against sequence length
/// (batch 1, 8 heads × 64, float32 by default), with dense SDPA (the baseline of every ratio) and unfused
/// softmax(q kᵀ) v in the same run. The backends come from the loaded plugins: the <c>attention.*</c> node types run
/// through the engine, and the plot is drawn by <c>output.line_plot</c> the same way.
/// </summary>
internal sealed class AttentionBenchCommand : AsyncCommand<AttentionBenchCommand.Settings>
{
    private const string Baseline = "dense SDPA";

    internal sealed class Settings : GlobalSettings
    {
        [CommandOption("--max-tokens <N>")]
        [Description("Longest sequence: lengths run 1024, 2048, ... up to this.")]
        public int MaxTokens { get; init; } = 16384;

        [CommandOption("--exact-max-tokens <N>")]
        [Description("Longest sequence for chunked and unfused attention (their time grows as n^2); default: --max-tokens. Dense SDPA always runs.")]
        public int? ExactMaxTokens { get; init; }

        [CommandOption("--repeats <N>")]
        [Description("Timed runs per cell (median reported); methods alternate within a length.")]
        public int Repeats { get; init; } = 3;

        [CommandOption("--heads <N>")]
        public int Heads { get; init; } = 8;

        [CommandOption("--head-dim <N>")]
        public int HeadDim { get; init; } = 64;

        [CommandOption("--memory-limit-gb <GB>")]
        [Description("Skip a method whose n x n tensors would need more than this (default: half of MemAvailable).")]
        public double? MemoryLimitGb { get; init; }

        [CommandOption("--out <DIR>")]
        [Description("Folder for attention-time.png, attention-memory.png and attention.json.")]
        public string Out { get; init; } = "out/bench-attention";

        [CommandOption("--seed <N>")]
        public long Seed { get; init; } = 1;

        public override Spectre.Console.ValidationResult Validate()
        {
            if (MaxTokens < 1024)
            {
                return Spectre.Console.ValidationResult.Error("--max-tokens must be at least 1024 (the first length).");
            }

            if (Repeats < 1 || Heads < 1 || HeadDim < 1)
            {
                return Spectre.Console.ValidationResult.Error("--repeats, --heads and --head-dim must be positive.");
            }

            return Spectre.Console.ValidationResult.Success();
        }
    }

    /// <summary>One row of the table: a method at one length.</summary>
    private sealed record Cell(string Method, long Tokens, double? Milliseconds, long? PeakBytes, string Note);

    /// <summary>A method under test: its name, how to run it, and when to skip it (null: run).</summary>
    private sealed record Method(string Name, Func<AttentionRequest, Tensor> Run, Func<long, string?> Skip, bool Exact);

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        TorchRuntime.EnsureInitialized(new TorchRuntimeOptions { Device = settings.Device, Threads = settings.Threads });
        using var provider = HostFactory.Create(settings);
        var registry = provider.GetRequiredService<NodeTypeRegistry>();
        registry.TryAdd(new PointsNode(), "diffuse.bench", out _);
        var runner = provider.GetRequiredService<IPipelineRunner>();
        var device = TorchRuntime.ResolveDevice(settings.Device);
        var outDirectory = Path.GetFullPath(settings.Out);
        Directory.CreateDirectory(outDirectory);

        var backends = await LoadBackends(runner, cancellationToken).ConfigureAwait(false);
        long limitBytes = settings.MemoryLimitGb is { } gb ? (long)(gb * (1L << 30)) : (PeakMemoryProbe.AvailableBytes() ?? (16L << 30)) / 2;
        long exactMax = settings.ExactMaxTokens ?? settings.MaxTokens;
        var methods = Methods(backends, settings, limitBytes, exactMax);
        var lengths = new List<long>();
        for (long n = 1024; n <= settings.MaxTokens; n *= 2)
        {
            lengths.Add(n);
        }

        AnsiConsole.MarkupLine(Markup.Escape(
            $"device {device}, torch threads {get_num_threads()}, batch 1 x {settings.Heads} heads x {settings.HeadDim}, float32, {settings.Repeats} repeats (median); " +
            $"peak memory: {(PeakMemoryProbe.IsAvailable && device.type == DeviceType.CPU ? "VmHWM after clear_refs (extra over the inputs)" : "not measured on this device")}; " +
            $"memory limit for n x n tensors {limitBytes / (double)(1L << 30):F1} GB"));
        var cells = new List<Cell>();
        var clock = Stopwatch.StartNew();
        foreach (var tokens in lengths)
        {
            cells.AddRange(MeasureLength(tokens, methods, settings, device, cancellationToken));
            Console.Error.WriteLine($"{tokens} tokens done at {clock.Elapsed.TotalSeconds:F0} s");
        }

        PrintTable(cells, methods, lengths, settings.Heads);
        // The bench owns its three file names in --out and replaces them on every run; SafeFile still refuses to write
        // through a link or over a device, FIFO or folder.
        SafeFile.WriteText(Path.Combine(outDirectory, "attention.json"), Json(cells, settings, device));
        await Plot(runner, cells, methods, settings, outDirectory, cancellationToken).ConfigureAwait(false);
        AnsiConsole.MarkupLine(Markup.Escape($"wrote {Path.Combine(outDirectory, "attention-time.png")}, attention-memory.png and attention.json"));
        return ExitCodes.Success;
    }

    /// <summary>The backends, by running the attention.* node types of the loaded plugins through the engine.</summary>
    private static async Task<List<(string Name, IAttentionBackend Backend)>> LoadBackends(IPipelineRunner runner, CancellationToken cancellationToken)
    {
        (string Id, string Type, JsonObject Params)[] nodes =
        [
            ("dense", "attention.dense", []),
            ("chunked", "attention.chunked", []),
            ("neighborhood", "attention.neighborhood", []),
            ("longformer", "attention.longformer", []),
            ("bigbird", "attention.bigbird", []),
            ("strided", "attention.strided", new JsonObject { ["mode"] = "strided" }),
            ("fixed", "attention.strided", new JsonObject { ["mode"] = "fixed" }),
        ];
        var pipeline = new PipelineDefinition(1, [.. nodes.Select(n => new NodeDefinition(n.Id, n.Type, new Dictionary<string, NodeInput>(), n.Params))]);
        var result = await runner.RunAsync(pipeline, new RunOptions { UseCache = false, MaxParallelism = 1 }, null, cancellationToken).ConfigureAwait(false);
        if (result.Status != RunStatus.Succeeded)
        {
            throw new InvalidOperationException(
                $"bench attention needs the attention.* node types of the SparseAttention plugin; the run {result.Status}: {string.Join("; ", result.Failures)}");
        }

        return [.. nodes.Select(n => (n.Id, result.Output<IAttentionBackend>(n.Id, "backend")))];
    }

    private static List<Method> Methods(List<(string Name, IAttentionBackend Backend)> backends, Settings settings, long limitBytes, long exactMax)
    {
        string? BeyondExact(long n) => n > exactMax ? $"skipped: beyond --exact-max-tokens {exactMax}" : null;
        string? Needs(long n, long heads)
        {
            long bytes = UnfusedAttention.BytesNeeded(1, heads, n, sizeof(float));
            return bytes > limitBytes ? $"skipped: would need {bytes / 1e9:F1} GB" : BeyondExact(n);
        }

        var dense = backends.Single(b => b.Name == "dense").Backend;
        var list = new List<Method>
        {
            new(Baseline, dense.Compute, _ => null, Exact: true),
            new("unfused", r => UnfusedAttention.Compute(r.Query, r.Key, r.Value), n => Needs(n, settings.Heads), Exact: true),
            new("unfused, one head at a time", r => UnfusedAttention.PerHead(r.Query, r.Key, r.Value), n => Needs(n, 1), Exact: true),
        };
        foreach (var (name, backend) in backends.Where(b => b.Name != "dense"))
        {
            list.Add(new(name, backend.Compute, backend.Capabilities.Exact ? BeyondExact : _ => null, backend.Capabilities.Exact));
        }

        return list;
    }

    private static List<Cell> MeasureLength(long tokens, List<Method> methods, Settings settings, Device device, CancellationToken cancellationToken)
    {
        // Image layout for the neighbourhood backend: h = 2^⌊log2(n)/2⌋, w = n / h (32 x 32 at 1k, 128 x 128 at 16k).
        int height = 1 << (int)(Math.Log2(tokens) / 2);
        int width = (int)(tokens / height);
        var generator = new Generator((ulong)(settings.Seed + tokens));
        using var query = randn([1, settings.Heads, tokens, settings.HeadDim], generator: generator).to(device);
        using var key = randn([1, settings.Heads, tokens, settings.HeadDim], generator: generator).to(device);
        using var value = randn([1, settings.Heads, tokens, settings.HeadDim], generator: generator).to(device);
        var request = new AttentionRequest { Query = query, Key = key, Value = value, SpatialHeight = height, SpatialWidth = width };
        var active = methods.Where(m => m.Skip(tokens) is null).ToList();
        var times = active.ToDictionary(m => m.Name, _ => new List<double>());
        var peaks = new Dictionary<string, long?>();
        var notes = new Dictionary<string, string>();
        using var noGrad = no_grad();
        Tensor? reference = null;
        try
        {
            if (tokens == 1024)
            {
                // Warm-up: first calls pay for JIT, native initialisation and index building.
                foreach (var method in active)
                {
                    using var warm = NewDisposeScope();
                    method.Run(request);
                }
            }

            for (int repeat = 0; repeat < settings.Repeats; repeat++)
            {
                foreach (var method in active)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    Tensor? output = null;
                    var clock = new Stopwatch();
                    void Run()
                    {
                        clock.Start();
                        output = method.Run(request);
                        if (device.type == DeviceType.CUDA)
                        {
                            cuda.synchronize(device);
                        }

                        clock.Stop();
                    }

                    if (repeat == 0 && device.type == DeviceType.CPU)
                    {
                        peaks[method.Name] = PeakMemoryProbe.Measure(Run);
                    }
                    else
                    {
                        Run();
                    }

                    times[method.Name].Add(clock.Elapsed.TotalMilliseconds);
                    if (repeat == 0 && method.Name == Baseline)
                    {
                        reference = output!.detach();
                        output = null;
                    }
                    else if (repeat == 0 && method.Exact && reference is not null)
                    {
                        using var difference = (output! - reference).abs().max();
                        notes[method.Name] = $"max |Δ| vs SDPA {difference.item<float>().ToString("E1", CultureInfo.InvariantCulture)}";
                    }

                    output?.Dispose();
                }
            }
        }
        finally
        {
            reference?.Dispose();
        }

        return [.. methods.Select(m => m.Skip(tokens) is { } reason
            ? new Cell(m.Name, tokens, null, null, reason)
            : new Cell(m.Name, tokens, Median(times[m.Name]), peaks.GetValueOrDefault(m.Name), notes.GetValueOrDefault(m.Name, "")))];
    }

    private static void PrintTable(List<Cell> cells, List<Method> methods, List<long> lengths, int heads)
    {
        var table = new Table().AddColumn(new TableColumn("tokens").RightAligned()).AddColumn("method")
            .AddColumn(new TableColumn("ms").RightAligned()).AddColumn(new TableColumn("time / SDPA").RightAligned())
            .AddColumn(new TableColumn("peak extra MB").RightAligned()).AddColumn(new TableColumn("memory / SDPA").RightAligned())
            .AddColumn(new TableColumn("memory / unfused").RightAligned()).AddColumn("note");
        foreach (var tokens in lengths)
        {
            var baseline = cells.Single(c => c.Tokens == tokens && c.Method == Baseline);
            var unfused = cells.Single(c => c.Tokens == tokens && c.Method == "unfused");
            foreach (var method in methods)
            {
                var cell = cells.Single(c => c.Tokens == tokens && c.Method == method.Name);
                // Against unfused: its measured peak where it ran, else what its n × n tensors alone would take.
                double? unfusedPeak = unfused.PeakBytes ?? UnfusedAttention.BytesNeeded(1, heads, tokens, sizeof(float));
                table.AddRow(
                    tokens.ToString(CultureInfo.InvariantCulture),
                    Markup.Escape(method.Name),
                    Format(cell.Milliseconds, "F1"),
                    Ratio(cell.Milliseconds, baseline.Milliseconds),
                    Format(cell.PeakBytes / 1e6, "F1"),
                    Ratio(cell.PeakBytes, baseline.PeakBytes),
                    Ratio(cell.PeakBytes, unfusedPeak),
                    Markup.Escape(cell.Note));
            }
        }

        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine("time / SDPA and memory / SDPA: ratios to dense SDPA at the same length (< 1 = less). memory / unfused: to unfused attention's measured peak, or where it was skipped, to the size of its two n x n tensors.");
    }

    private static string Format(double? value, string format) => value is { } v ? v.ToString(format, CultureInfo.InvariantCulture) : "–";

    private static string Ratio(double? value, double? baseline) =>
        value is { } v && baseline is { } b && b > 0 ? (v / b).ToString(v / b < 0.1 ? "F3" : "F2", CultureInfo.InvariantCulture) : "–";

    private static string Json(List<Cell> cells, Settings settings, Device device) => JsonSerializer.Serialize(new
    {
        device = device.ToString(),
        threads = get_num_threads(),
        heads = settings.Heads,
        head_dim = settings.HeadDim,
        repeats = settings.Repeats,
        cells = cells.Select(c => new { method = c.Method, tokens = c.Tokens, ms = c.Milliseconds, peak_bytes = c.PeakBytes, note = c.Note }),
    }, new JsonSerializerOptions { WriteIndented = true });

    /// <summary>Time and memory against length, drawn by <c>output.line_plot</c> through the engine.</summary>
    private static async Task Plot(IPipelineRunner runner, List<Cell> cells, List<Method> methods, Settings settings, string outDirectory, CancellationToken cancellationToken)
    {
        var nodes = new List<NodeDefinition>();
        var plotted = methods.Where(m => m.Name != "unfused, one head at a time").ToList();
        foreach (var (kind, select) in new (string, Func<Cell, double?>)[] { ("time", c => c.Milliseconds), ("memory", c => c.PeakBytes / 1e6) })
        {
            var series = new List<LinkReference>();
            var labels = new JsonArray();
            foreach (var method in plotted)
            {
                var points = cells.Where(c => c.Method == method.Name && select(c) is > 0).Select(c => (JsonNode)new JsonArray(c.Tokens, select(c)!.Value)).ToArray();
                if (points.Length == 0)
                {
                    continue;
                }

                string id = $"{kind}_{series.Count}";
                nodes.Add(new NodeDefinition(id, PointsNode.TypeName, new Dictionary<string, NodeInput>(), new JsonObject { ["points"] = new JsonArray(points) }));
                series.Add(new LinkReference(id, "points"));
                labels.Add(method.Name);
            }

            nodes.Add(new NodeDefinition($"plot_{kind}", "output.line_plot", new Dictionary<string, NodeInput> { ["series"] = new NodeInput(series, IsList: true) }, new JsonObject
            {
                ["path"] = $"attention-{kind}.png",
                ["title"] = kind == "time"
                    ? $"Attention time against sequence length (batch 1, {settings.Heads} heads x {settings.HeadDim}, fp32)"
                    : "Attention peak extra memory against sequence length",
                ["x_label"] = "tokens",
                ["y_label"] = kind == "time" ? "milliseconds (median)" : "peak extra MB",
                ["labels"] = labels,
                ["log_x"] = true,
                ["log_y"] = true,
            }));
        }

        var result = await runner.RunAsync(new PipelineDefinition(1, nodes), new RunOptions { UseCache = false, MaxParallelism = 1, OutputDirectory = outDirectory, Overwrite = true }, null, cancellationToken).ConfigureAwait(false);
        if (result.Status != RunStatus.Succeeded)
        {
            AnsiConsole.MarkupLine(Markup.Escape($"no plot (output.line_plot of the Images plugin): {result.Status}: {string.Join("; ", result.Failures)}"));
        }
    }
}
