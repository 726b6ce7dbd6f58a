using Diffusion.Contracts;
using Diffusion.Core.Tests.TestNodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Diffusion.Core.Tests.Hosting;

/// <summary>The engine embedded in a Generic Host the way an app does it: AddDiffusion, register node types, resolve the runner.</summary>
public sealed class GenericHostEmbeddingTests : IDisposable
{
    private const string Pipeline = """
        {
          "version": 1,
          "nodes": {
            "a": { "type": "test.const", "params": { "value": 2 } },
            "b": { "type": "test.const", "params": { "value": 3 } },
            "add": { "type": "test.add", "inputs": { "a": "a", "b": "b" } },
            "count": { "type": "test.counter", "inputs": { "in": "add.sum" }, "params": { "steps": 2 } },
            "save": { "type": "test.write_file", "inputs": { "value": "count" }, "params": { "path": "result.txt" } }
          }
        }
        """;

    private readonly string outputFolder = Directory.CreateTempSubdirectory("diffusion-host-").FullName;
    private readonly TestNodeSet nodes = new();
    private readonly IHost host;

    public GenericHostEmbeddingTests()
    {
        var builder = Host.CreateApplicationBuilder();
        var diffusion = builder.Services.AddDiffusion(o =>
        {
            o.Device = "cpu";
            o.OutputDirectory = outputFolder;
            o.MaxParallelism = 2;
            o.CacheBudgetBytes = 1 << 20;
        });
        foreach (var type in nodes.All)
        {
            diffusion.Registry.TryAdd(type, "app", out _).Should().BeTrue();
        }

        host = builder.Build();
    }

    private IPipelineRunner Runner => host.Services.GetRequiredService<IPipelineRunner>();

    public void Dispose()
    {
        host.Dispose();
        Directory.Delete(outputFolder, recursive: true);
    }

    [Fact]
    public async Task RunAsync_runs_a_pipeline_read_from_json_text()
    {
        var read = PipelineReader.Read(Pipeline);
        read.Issues.Should().BeEmpty();
        var progress = new List<PipelineEvent>();

        var result = await Runner.RunAsync(read.Pipeline!, progress: new CallbackProgress<PipelineEvent>(progress.Add)).WaitAsync(TimeSpan.FromSeconds(20));

        result.Status.Should().Be(RunStatus.Succeeded, string.Join("; ", result.Failures.Select(f => f.Message)));
        result.Output<NumberValue>("add", "sum").Value.Should().Be(5);
        result.Output<NumberValue>("count", "value").Value.Should().Be(5);
        var file = result.Output<string>("save", "file");
        file.Should().Be(Path.Combine(outputFolder, "result.txt"), "the host's output folder is the default");
        (await File.ReadAllTextAsync(file)).Should().Be("5");
        progress.Count(e => e.Kind == PipelineEventKind.NodeProgress).Should().Be(2);
        progress[^1].Kind.Should().Be(PipelineEventKind.RunFinished);
    }

    [Fact]
    public async Task RunStreamingAsync_streams_every_event_and_ends_with_the_run_outcome()
    {
        var pipeline = PipelineReader.Read(Pipeline).Pipeline!;
        var events = new List<PipelineEvent>();

        await foreach (var e in Runner.RunStreamingAsync(pipeline, new RunOptions { RunId = "streamed" }))
        {
            events.Add(e);
        }

        events[0].Kind.Should().Be(PipelineEventKind.RunStarted);
        events[^1].Kind.Should().Be(PipelineEventKind.RunFinished);
        events.Should().OnlyContain(e => e.RunId == "streamed");
        events.Where(e => e.Kind == PipelineEventKind.NodeFinished).Select(e => e.NodeId).Should().BeEquivalentTo("a", "b", "add", "count", "save");
        events.Where(e => e.Kind == PipelineEventKind.NodeProgress).Select(e => e.Step).Should().Equal(1, 2);

        // The same output file again: refused before anything runs, unless the run asks to overwrite.
        var refused = async () =>
        {
            await foreach (var _ in Runner.RunStreamingAsync(pipeline))
            {
            }
        };
        (await refused.Should().ThrowAsync<PipelineValidationException>()).Which.Issues.Should().ContainSingle()
            .Which.Code.Should().Be(ValidationCodes.OutputConflict);

        var again = new List<PipelineEvent>();
        await foreach (var e in Runner.RunStreamingAsync(pipeline, new RunOptions { Overwrite = true }))
        {
            again.Add(e);
        }

        again.Where(e => e.Kind == PipelineEventKind.NodeCached).Select(e => e.NodeId).Should().BeEquivalentTo(["a", "b", "add", "count"], "the host's cache is shared by runs");
        again.Should().ContainSingle(e => e.Kind == PipelineEventKind.NodeFinished).Which.NodeId.Should().Be("save");
        nodes.Counter.Executions.Should().Be(1);
        nodes.WriteFile.Executions.Should().Be(2);
    }

    [Fact]
    public async Task Invalid_pipelines_throw_with_every_issue_and_streaming_surfaces_the_same_error()
    {
        var pipeline = PipelineReader.Read("""{ "nodes": { "x": { "type": "test.nope" }, "p": { "type": "test.pass" } } }""").Pipeline!;

        var run = () => Runner.RunAsync(pipeline);
        var thrown = await run.Should().ThrowAsync<PipelineValidationException>();
        thrown.Which.Issues.Select(i => i.Code).Should().BeEquivalentTo(ValidationCodes.UnknownNodeType, ValidationCodes.MissingInput);
        thrown.Which.Message.Should().Contain("/nodes/x/type").And.Contain("/nodes/p/inputs");

        var stream = async () =>
        {
            await foreach (var _ in Runner.RunStreamingAsync(pipeline))
            {
            }
        };
        await stream.Should().ThrowAsync<PipelineValidationException>();
    }

    [Fact]
    public async Task ReadFile_applies_overrides_and_the_run_uses_them()
    {
        var path = Path.Combine(outputFolder, "pipeline.json");
        await File.WriteAllTextAsync(path, Pipeline);

        var read = Runner.ReadFile(path, ["a.params.value=10", "b.value=1"]);

        read.Issues.Should().BeEmpty();
        Runner.Validate(read.Pipeline!, read.Positions).IsValid.Should().BeTrue();
        var result = await Runner.RunAsync(read.Pipeline!, new RunOptions { OutputDirectory = Path.Combine(outputFolder, "other") });
        result.Output<NumberValue>("add", "sum").Value.Should().Be(11);
        File.Exists(Path.Combine(outputFolder, "other", "result.txt")).Should().BeTrue("run options override the host's output folder");

        Runner.ReadFile(path, ["nobody.value=1"]).Issues.Should().ContainSingle().Which.Code.Should().Be(ValidationCodes.BadOverride);
    }

    [Fact]
    public async Task Cancelling_a_streamed_run_ends_the_stream_with_run_cancelled()
    {
        var pipeline = PipelineReader.Read("""{ "nodes": { "slow": { "type": "test.slow" } } }""").Pipeline!;
        using var cancellation = new CancellationTokenSource();
        var events = new List<PipelineEvent>();

        var consume = Task.Run(async () =>
        {
            await foreach (var e in Runner.RunStreamingAsync(pipeline, cancellationToken: cancellation.Token))
            {
                events.Add(e);
            }
        });
        await nodes.Slow.Started.WaitAsync(TimeSpan.FromSeconds(20));
        await cancellation.CancelAsync();
        await consume.WaitAsync(TimeSpan.FromSeconds(20));

        events[^1].Kind.Should().Be(PipelineEventKind.RunCancelled);
    }

    [Fact]
    public void Services_expose_the_registry_the_options_and_the_validator()
    {
        host.Services.GetRequiredService<NodeTypeRegistry>().TryGet("test.add", out var add).Should().BeTrue();
        add.PluginId.Should().Be("app");
        host.Services.GetRequiredService<DiffusionOptions>().Device.Should().Be("cpu");
        host.Services.GetRequiredService<NodeOutputCache>().BudgetBytes.Should().Be(1 << 20);
        host.Services.GetRequiredService<PluginInventory>().Failed.Should().BeEmpty();
        PipelineSchema.Build(host.Services.GetRequiredService<NodeTypeRegistry>())["properties"]!["nodes"]!["additionalProperties"]!["oneOf"]!.AsArray().Should().HaveCount(nodes.All.Count());
    }

    [Fact]
    public void Calling_AddDiffusion_twice_keeps_one_registry()
    {
        var services = new ServiceCollection();
        var first = services.AddDiffusion(o => o.Device = "cpu");
        var second = services.AddDiffusion(o => o.Device = "cpu");
        second.Registry.TryAdd(new ConstNode(), "app", out _);

        using var provider = services.BuildServiceProvider();

        second.Registry.Should().BeSameAs(first.Registry);
        provider.GetRequiredService<NodeTypeRegistry>().TryGet("test.const", out _).Should().BeTrue();
    }

    [Fact]
    public void Bad_options_are_rejected_when_added()
    {
        var services = new ServiceCollection();

        services.Invoking(s => s.AddDiffusion(o => o.MaxParallelism = 0)).Should().Throw<ArgumentOutOfRangeException>();
        services.Invoking(s => s.AddDiffusion(o => o.CacheBudgetBytes = -1)).Should().Throw<ArgumentOutOfRangeException>();
    }
}
