using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Diffusion.Cli.Commands;
using Diffusion.Contracts;
using Diffusion.Core;
using Diffusion.Torch;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;
using Spectre.Console.Cli;
using TorchSharp;
using static Diffusion.Cli.Bench.BenchStatistics;
using static TorchSharp.torch;

namespace Diffusion.Cli.Bench;

/// <summary>
/// <c>diffuse bench samplers-overhead</c>: per-step time of the real <c>sampler.ddpm</c> / <c>sampler.ddim</c> plugins,
/// run through the engine (<c>scheduler.discrete</c> + sampler + a one-op denoiser + <c>sample</c>), against
/// <see cref="HandWrittenSamplerLoops"/> with the same math, shapes and noise, as a ratio; then the live tensor count
/// across a 1,000-step DDPM run (flat means no per-step leak).
/// </summary>
internal sealed class SamplerOverheadBenchCommand : AsyncCommand<SamplerOverheadBenchCommand.Settings>
{
    private const int TrainTimesteps = 1000;
    private const double BetaStart = 0.0001, BetaEnd = 0.02, DenoiserScale = 0.1;
    private static readonly long[] SampleShape = [4, 64, 64];
    private static readonly int[] LeakProbeSteps = [1, 10, 100, 500, 1000];

    internal sealed class Settings : GlobalSettings
    {
        [CommandOption("--repeat <N>")]
        [Description("Measured repetitions per row, engine and baseline alternating (median reported).")]
        public int Repeat { get; init; } = 9;

        [CommandOption("--batch <N>")]
        [Description("Samples per run (the batch of the (batch, 4, 64, 64) loop).")]
        public int Batch { get; init; } = 16;

        [CommandOption("--seed <N>")]
        public long Seed { get; init; } = 1234;

        [CommandOption("--leaks-only")]
        [Description("Skip the timing table; only count live tensors over 1,000 DDPM steps.")]
        public bool LeaksOnly { get; init; }
    }

    private sealed record Case(string Label, string SamplerType, JsonObject SamplerParams, int[] Steps, Func<HandWrittenSamplerLoops, long[], int, ulong, Device, Tensor> Baseline);

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        // One intra-op thread unless asked: the benchmark measures per-step overhead, and on a shared machine more
        // threads mostly add OpenMP spin-waiting to both sides.
        TorchRuntime.EnsureInitialized(new TorchRuntimeOptions { Device = settings.Device, Threads = settings.Threads ?? 1 });
        using var provider = HostFactory.Create(settings);
        var registry = provider.GetRequiredService<NodeTypeRegistry>();
        registry.TryAdd(new TrivialDenoiserNode(), "diffuse.bench", out _);
        var runner = provider.GetRequiredService<IPipelineRunner>();
        var loops = new HandWrittenSamplerLoops(TrainTimesteps, BetaStart, BetaEnd);
        Case[] cases =
        [
            new("ddpm", "sampler.ddpm", new JsonObject { ["variance_type"] = "fixed_small" }, [50, 200, 1000],
                (l, s, n, g, d) => l.Ddpm(s, n, g, DenoiserScale, d)),
            new("ddim η=0", "sampler.ddim", new JsonObject { ["eta"] = 0.0 }, [50, 200],
                (l, s, n, g, d) => l.Ddim(s, n, 0f, g, DenoiserScale, d)),
            new("ddim η=1", "sampler.ddim", new JsonObject { ["eta"] = 1.0 }, [50, 200],
                (l, s, n, g, d) => l.Ddim(s, n, 1f, g, DenoiserScale, d)),
        ];

        var runOptions = new RunOptions { UseCache = false, MaxParallelism = 1, Seed = settings.Seed, Device = settings.Device };
        if (!settings.LeaksOnly)
        {
            await ReportTimings(runner, cases, loops, settings, runOptions, cancellationToken).ConfigureAwait(false);
        }

        await ReportLiveTensors(runner, cases[0], settings, runOptions, loops, cancellationToken).ConfigureAwait(false);
        return ExitCodes.Success;
    }

    /// <summary>The timing table: engine and baseline alternate within each row so machine load drifts hit both alike.</summary>
    private static async Task ReportTimings(IPipelineRunner runner, Case[] cases, HandWrittenSamplerLoops loops, Settings settings, RunOptions runOptions, CancellationToken cancellationToken)
    {
        var device = TorchRuntime.ResolveDevice(settings.Device);
        long[] shape = [settings.Batch, .. SampleShape];
        ulong seed = (ulong)settings.Seed;
        var total = Stopwatch.StartNew();
        foreach (var warmUp in cases)
        {
            using var engineSamples = (await RunEngine(runner, warmUp, 10, settings, runOptions, null, cancellationToken).ConfigureAwait(false)).Samples;
            using var baselineSamples = warmUp.Baseline(loops, shape, 10, seed, device);
        }

        var table = new Table().AddColumn("sampler").AddColumn(new TableColumn("steps").RightAligned())
            .AddColumn(new TableColumn("engine ms/step").RightAligned()).AddColumn(new TableColumn("engine run ms/step").RightAligned())
            .AddColumn(new TableColumn("baseline ms/step").RightAligned()).AddColumn(new TableColumn("ratio").RightAligned())
            .AddColumn(new TableColumn("max |engine − baseline|").RightAligned());
        foreach (var benchCase in cases)
        {
            foreach (int steps in benchCase.Steps)
            {
                var engine = new List<double>();
                var engineRun = new List<double>();
                var baseline = new List<double>();
                double maxDifference = 0;
                for (int r = 0; r < settings.Repeat; r++)
                {
                    var run = await RunEngine(runner, benchCase, steps, settings, runOptions, null, cancellationToken).ConfigureAwait(false);
                    using var engineSamples = run.Samples;
                    engine.Add(run.SampleSeconds * 1000 / steps);
                    engineRun.Add(run.RunSeconds * 1000 / steps);

                    Settle();
                    var clock = Stopwatch.StartNew();
                    using var baselineSamples = benchCase.Baseline(loops, shape, steps, seed, device);
                    baseline.Add(clock.Elapsed.TotalMilliseconds / steps);
                    using (NewDisposeScope())
                    {
                        maxDifference = Math.Max(maxDifference, (engineSamples - baselineSamples).abs().max().item<float>());
                    }
                }

                double e = Median(engine), b = Median(baseline);
                Console.Error.WriteLine($"{benchCase.Label} {steps} steps done at {total.Elapsed.TotalSeconds:F0} s");
                table.AddRow(Markup.Escape(benchCase.Label), Format(steps, "D"), Format(e, "F3"), Format(Median(engineRun), "F3"),
                    Format(b, "F3"), Format(e / b, "F2") + "x", maxDifference.ToString("E1", CultureInfo.InvariantCulture));
            }
        }

        AnsiConsole.MarkupLine($"device {Markup.Escape(device.ToString())}, torch threads {get_num_threads()}, batch ({Markup.Escape(string.Join(", ", shape))}) float32, trivial denoiser ε̂ = {DenoiserScale}·x_t, scheduler.discrete linear β {BetaStart}..{BetaEnd}, T = {TrainTimesteps}, leading spacing");
        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine($"median of {settings.Repeat} runs per row after a 10-step warm-up; engine = the sample node's own seconds (sampler loop + copy to CPU); engine run = the whole RunAsync (validate, build scheduler, sample); baseline = HandWrittenSamplerLoops (same math, noise and copy); ratio = engine / baseline.");

    }

    /// <summary>
    /// Live tensors at steps 1, 10, 100, 500 and 1,000 of a 1,000-step DDPM run: through the engine (process-wide count,
    /// read from the synchronous progress events on the sampler's thread) and with the engine's ISampler called directly
    /// on this thread (this thread's dispose-scope count); then the change from before the run to after it.
    /// </summary>
    private static async Task ReportLiveTensors(IPipelineRunner runner, Case ddpm, Settings settings, RunOptions runOptions, HandWrittenSamplerLoops loops, CancellationToken cancellationToken)
    {
        const int steps = 1000;
        var engineProbes = new SortedDictionary<int, long>();
        var progress = new CallbackProgress<PipelineEvent>(e =>
        {
            if (e.Kind == PipelineEventKind.NodeProgress && e.NodeId == "sample" && e.Step is { } step && LeakProbeSteps.Contains(step))
            {
                engineProbes[step] = Tensor.TotalCount;
            }
        });
        var clock = Stopwatch.StartNew();
        long engineBefore = Tensor.TotalCount;
        var run = await RunEngine(runner, ddpm, steps, settings, runOptions, progress, cancellationToken).ConfigureAwait(false);
        run.Samples.Dispose();
        long engineAfter = Tensor.TotalCount;

        var sampler = run.Result.Output<ISampler>("sampler", "sampler");
        var scheduler = run.Result.Output<IScheduler>("scheduler", "scheduler");
        var directProbes = new SortedDictionary<int, long>();
        Settle();
        long directBefore = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        long directBeforeProcess = Tensor.TotalCount;
        var result = sampler.Sample(new SamplingRequest
        {
            Denoiser = new TrivialDenoiser(SampleShape, DenoiserScale),
            Scheduler = scheduler,
            Schedule = scheduler.CreateInferenceSchedule(steps),
            Shape = [settings.Batch, .. SampleShape],
            Generator = new Generator((ulong)settings.Seed, CPU),
            Device = TorchRuntime.ResolveDevice(settings.Device),
            OnStep = step =>
            {
                if (LeakProbeSteps.Contains(step.Index + 1))
                {
                    directProbes[step.Index + 1] = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
                }
            },
        });
        result.Samples.Dispose();
        long directAfter = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        long directAfterProcess = Tensor.TotalCount;
        Console.Error.WriteLine($"live tensor runs done in {clock.Elapsed.TotalSeconds:F0} s; peak working set {System.Diagnostics.Process.GetCurrentProcess().PeakWorkingSet64 >> 20} MB");

        var table = new Table().AddColumn("ddpm, 1,000 steps");
        foreach (int step in LeakProbeSteps)
        {
            table.AddColumn(new TableColumn($"live @ step {step}").RightAligned());
        }

        table.AddColumn(new TableColumn("after − before").RightAligned());
        table.AddRow(["engine (process-wide Tensor.TotalCount)", .. LeakProbeSteps.Select(s => Probe(engineProbes, s)), Format(engineAfter - engineBefore, "D")]);
        table.AddRow(["ISampler on this thread (ThreadTotalLiveCount)", .. LeakProbeSteps.Select(s => Probe(directProbes, s)), Format(directAfter - directBefore, "D")]);
        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine($"process-wide change over the direct run: {directAfterProcess - directBeforeProcess}. Flat counts across steps and 0 after − before mean no tensor leaks. Step 1000 (t = 0) draws no noise, hence 3 fewer. Hand-written 1,000-step DDPM: after − before = {BaselineLeak(loops, settings)}.");
    }

    private static long BaselineLeak(HandWrittenSamplerLoops loops, Settings settings)
    {
        Settle();
        long before = Tensor.TotalCount;
        loops.Ddpm([settings.Batch, .. SampleShape], 1000, (ulong)settings.Seed, DenoiserScale, TorchRuntime.ResolveDevice(settings.Device)).Dispose();
        return Tensor.TotalCount - before;
    }

    private sealed record EngineRun(PipelineRunResult Result, Tensor Samples, double SampleSeconds, double RunSeconds);

    private static async Task<EngineRun> RunEngine(IPipelineRunner runner, Case benchCase, int steps, Settings settings, RunOptions options, IProgress<PipelineEvent>? progress, CancellationToken cancellationToken)
    {
        var pipeline = Pipeline(benchCase, steps, settings);
        Settle();
        var clock = Stopwatch.StartNew();
        var result = await runner.RunAsync(pipeline, options, progress, cancellationToken).ConfigureAwait(false);
        double runSeconds = clock.Elapsed.TotalSeconds;
        if (result.Status != RunStatus.Succeeded)
        {
            throw new InvalidOperationException($"bench run of {benchCase.SamplerType} ({steps} steps) {result.Status}: {string.Join("; ", result.Failures)}");
        }

        var metrics = result.Output<MetricSet>("sample", "metrics");
        return new EngineRun(result, result.Output<Tensor>("sample", "samples"), metrics.Values["seconds"], runSeconds);
    }

    private static PipelineDefinition Pipeline(Case benchCase, int steps, Settings settings)
    {
        static NodeInput Link(string node, string port) => new([new LinkReference(node, port)], IsList: false);
        var none = new Dictionary<string, NodeInput>();
        return new PipelineDefinition(1,
        [
            new NodeDefinition("scheduler", "scheduler.discrete", none, new JsonObject
            {
                ["num_train_timesteps"] = TrainTimesteps,
                ["beta_start"] = BetaStart,
                ["beta_end"] = BetaEnd,
                ["beta_schedule"] = "linear",
            }),
            new NodeDefinition("sampler", benchCase.SamplerType, none, (JsonObject)benchCase.SamplerParams.DeepClone()),
            new NodeDefinition("denoiser", TrivialDenoiserNode.TypeName, none, new JsonObject
            {
                ["scale"] = DenoiserScale,
                ["sample_shape"] = new JsonArray([.. SampleShape.Select(d => (JsonNode)d)]),
            }),
            new NodeDefinition("sample", "sample", new Dictionary<string, NodeInput>
            {
                ["sampler"] = Link("sampler", "sampler"),
                ["denoiser"] = Link("denoiser", "denoiser"),
                ["scheduler"] = Link("scheduler", "scheduler"),
            }, new JsonObject { ["count"] = settings.Batch, ["steps"] = steps, ["seed"] = settings.Seed }),
        ]);
    }

    /// <summary>
    /// Runs finalizers between (never inside) timed runs. Implicit <c>double · Tensor</c> conversions make native Scalars
    /// that only the finalizer frees; left alone they fragment the native heap (several GB of RSS per 1,000 steps at
    /// this shape, on both sides) and would get this process killed on a small machine.
    /// </summary>
    private static void Settle()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
    }

    private static string Probe(SortedDictionary<int, long> probes, int step) =>
        probes.TryGetValue(step, out var value) ? value.ToString(CultureInfo.InvariantCulture) : "–";

    private static string Format(IFormattable value, string format) => value.ToString(format, CultureInfo.InvariantCulture);
}
