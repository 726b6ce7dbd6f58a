using System.ComponentModel;
using System.Diagnostics;
using System.Text.Json.Nodes;
using Diffusion.Cli.Commands;
using Diffusion.Core;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;
using Spectre.Console.Cli;
using static Diffusion.Cli.Bench.BenchStatistics;

namespace Diffusion.Cli.Bench;

/// <summary>
/// <c>diffuse bench engine</c>: validate + run time of a 200-node layered graph and a 1,000-node chain of trivial
/// nodes, against a baseline that calls the same node work directly in topological order (no engine), as a ratio.
/// </summary>
internal sealed class EngineBenchCommand : AsyncCommand<EngineBenchCommand.Settings>
{
    internal sealed class Settings : GlobalSettings
    {
        [CommandOption("--repeat <N>")]
        [Description("Measured repetitions per graph (median reported).")]
        public int Repeat { get; init; } = 20;
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        using var provider = HostFactory.Create(new GlobalSettings { NoBuiltInPlugins = true, Device = "cpu" });
        var registry = provider.GetRequiredService<NodeTypeRegistry>();
        registry.TryAdd(new PassThroughNode(), "diffuse.bench", out _);
        var runner = provider.GetRequiredService<IPipelineRunner>();

        var table = new Table().AddColumn("graph").AddColumn("nodes").AddColumn(new TableColumn("validate ms").RightAligned())
            .AddColumn(new TableColumn("run ms").RightAligned()).AddColumn(new TableColumn("run cached ms").RightAligned())
            .AddColumn(new TableColumn("baseline ms").RightAligned()).AddColumn(new TableColumn("(validate+run)/baseline").RightAligned())
            .AddColumn(new TableColumn("µs/node").RightAligned());
        foreach (var (name, pipeline) in new[] { ("layered 20x10", Layered(20, 10)), ("chain", Chain(1000)) })
        {
            var validate = new List<double>();
            var run = new List<double>();
            var cached = new List<double>();
            var baseline = new List<double>();
            for (var i = 0; i < settings.Repeat + 2; i++)
            {
                var clock = Stopwatch.StartNew();
                var validation = runner.Validate(pipeline);
                var v = clock.Elapsed.TotalMilliseconds;
                if (!validation.IsValid)
                {
                    throw new InvalidOperationException(string.Join("; ", validation.Issues));
                }

                clock.Restart();
                var result = await runner.RunAsync(validation.Pipeline!, new RunOptions { UseCache = false, MaxParallelism = 2 }, cancellationToken: cancellationToken).ConfigureAwait(false);
                var r = clock.Elapsed.TotalMilliseconds;
                if (result.Status != RunStatus.Succeeded)
                {
                    throw new InvalidOperationException($"bench run {result.Status}");
                }

                clock.Restart();
                await runner.RunAsync(validation.Pipeline!, new RunOptions { UseCache = true }, cancellationToken: cancellationToken).ConfigureAwait(false);
                var c = clock.Elapsed.TotalMilliseconds;
                clock.Restart();
                Baseline(validation.Pipeline!);
                var b = clock.Elapsed.TotalMilliseconds;
                if (i >= 2)
                {
                    validate.Add(v);
                    run.Add(r);
                    cached.Add(c);
                    baseline.Add(b);
                }
            }

            var mv = Median(validate);
            var mr = Median(run);
            var mb = Median(baseline);
            table.AddRow(name, pipeline.Nodes.Count.ToString(), $"{mv:F2}", $"{mr:F2}", $"{Median(cached):F2}", $"{mb:F3}", $"{(mv + mr) / mb:F0}x", $"{(mv + mr) * 1000 / pipeline.Nodes.Count:F1}");
        }

        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine($"median of {settings.Repeat} runs after 2 warm-ups; run = executor without cache (2 parallel); baseline = the same node work called directly in topological order.");
        return ExitCodes.Success;
    }

    private static void Baseline(ValidatedPipeline pipeline)
    {
        var values = new Dictionary<string, StrongBox<long>>(StringComparer.Ordinal);
        foreach (var node in pipeline.Nodes)
        {
            var inputs = node.Inputs.TryGetValue("in", out var links) ? links.Select(l => values[l.Node]).ToList() : [];
            values[node.Id] = PassThroughNode.Compute(inputs, 1);
        }
    }

    private static PipelineDefinition Chain(int count)
    {
        var nodes = new List<NodeDefinition>();
        for (var i = 0; i < count; i++)
        {
            var inputs = i == 0
                ? new Dictionary<string, NodeInput>()
                : new Dictionary<string, NodeInput> { ["in"] = new NodeInput([new LinkReference($"n{i - 1}", null)], IsList: true) };
            nodes.Add(new NodeDefinition($"n{i}", PassThroughNode.TypeName, inputs, new JsonObject { ["add"] = i }));
        }

        return new PipelineDefinition(1, nodes);
    }

    /// <summary>Layers of width nodes; each node takes two nodes of the layer before, so branches run concurrently.</summary>
    private static PipelineDefinition Layered(int layers, int width)
    {
        var nodes = new List<NodeDefinition>();
        for (var l = 0; l < layers; l++)
        {
            for (var w = 0; w < width; w++)
            {
                var inputs = l == 0
                    ? new Dictionary<string, NodeInput>()
                    : new Dictionary<string, NodeInput>
                    {
                        ["in"] = new NodeInput([new LinkReference($"l{l - 1}w{w}", null), new LinkReference($"l{l - 1}w{(w + 1) % width}", null)], IsList: true),
                    };
                nodes.Add(new NodeDefinition($"l{l}w{w}", PassThroughNode.TypeName, inputs, new JsonObject { ["add"] = (l * width) + w }));
            }
        }

        return new PipelineDefinition(1, nodes);
    }
}
