using Diffusion.Contracts;
using Diffusion.Core.Tests.TestNodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

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
            diffusion.AddNodeType(type);
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
    public async Task Invalid_pipelines_throw_with_every_issue_and_streaming_reports_them_as_its_last_event()
    {
        var pipeline = PipelineReader.Read("""{ "nodes": { "x": { "type": "test.nope" }, "p": { "type": "test.pass" } } }""").Pipeline!;

        var run = () => Runner.RunAsync(pipeline);
        var thrown = await run.Should().ThrowAsync<PipelineValidationException>();
        thrown.Which.Issues.Select(i => i.Code).Should().BeEquivalentTo(ValidationCodes.UnknownNodeType, ValidationCodes.MissingInput);
        thrown.Which.Message.Should().Contain("/nodes/x/type").And.Contain("/nodes/p/inputs");

        var events = new List<PipelineEvent>();
        await foreach (var e in Runner.RunStreamingAsync(pipeline, new RunOptions { RunId = "invalid" }))
        {
            events.Add(e);
        }

        var failed = events.Should().ContainSingle().Which;
        failed.Kind.Should().Be(PipelineEventKind.RunFailed);
        failed.RunId.Should().Be("invalid");
        failed.Issues!.Select(i => i.Pointer).Should().BeEquivalentTo(thrown.Which.Issues.Select(i => i.Pointer));
        failed.Message.Should().Contain("/nodes/x/type");
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
        host.Services.GetRequiredService<IOptions<DiffusionOptions>>().Value.Device.Should().Be("cpu");
        host.Services.GetRequiredService<INodeTypeCatalog>().TryGet("test.add", out _).Should().BeTrue();
        host.Services.GetRequiredService<NodeOutputCache>().BudgetBytes.Should().Be(1 << 20);
        host.Services.GetRequiredService<PluginInventory>().Failed.Should().BeEmpty();
        PipelineSchema.Build(host.Services.GetRequiredService<NodeTypeRegistry>())["properties"]!["nodes"]!["additionalProperties"]!["oneOf"]!.AsArray().Should().HaveCount(nodes.All.Count());
    }

    [Fact]
    public void Calling_AddDiffusion_twice_keeps_one_registry()
    {
        var services = new ServiceCollection();
        services.AddDiffusion(o => o.Device = "cpu");
        services.AddDiffusion(o => o.Device = "cpu").AddNodeType<ConstNode>();

        using var provider = services.BuildServiceProvider();

        provider.GetRequiredService<NodeTypeRegistry>().TryGet("test.const", out _).Should().BeTrue();
        services.Count(d => d.ServiceType == typeof(NodeTypeRegistry)).Should().Be(1);
    }

    [Fact]
    public void A_node_type_name_can_be_registered_once()
    {
        var builder = new ServiceCollection().AddDiffusion(o => o.Device = "cpu").AddNodeType<ConstNode>();

        builder.Invoking(b => b.AddNodeType<ConstNode>()).Should().Throw<InvalidOperationException>().WithMessage("*test.const*already registered*");
    }

    [Fact]
    public void Bad_options_in_code_are_rejected_when_added_naming_the_setting()
    {
        var services = new ServiceCollection();

        services.Invoking(s => s.AddDiffusion(o => o.MaxParallelism = 0)).Should().Throw<OptionsValidationException>().WithMessage("*MaxParallelism*");
        services.Invoking(s => s.AddDiffusion(o => o.CacheBudgetBytes = -1)).Should().Throw<OptionsValidationException>().WithMessage("*CacheBudgetBytes*");
        services.Invoking(s => s.AddDiffusion(o => o.Device = "tpu")).Should().Throw<OptionsValidationException>().WithMessage("*Device*tpu*");
    }

    [Fact]
    public async Task Options_bind_from_configuration_and_are_validated_when_the_host_starts()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Diffusion:Device"] = "cpu",
            ["Diffusion:MaxParallelism"] = "3",
            ["Diffusion:CacheBudgetBytes"] = "1024",
        });
        builder.Services.AddDiffusion(builder.Configuration.GetSection(DiffusionOptions.SectionName));
        using (var good = builder.Build())
        {
            good.Services.GetRequiredService<IOptions<DiffusionOptions>>().Value.MaxParallelism.Should().Be(3);
            good.Services.GetRequiredService<NodeOutputCache>().BudgetBytes.Should().Be(1024);
        }

        var bad = Host.CreateApplicationBuilder();
        bad.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Diffusion:Device"] = "cpu" });
        bad.Services.AddDiffusion(bad.Configuration.GetSection(DiffusionOptions.SectionName));
        bad.Services.Configure<DiffusionOptions>(o => o.MaxParallelism = -2);
        using var host = bad.Build();
        var start = () => host.StartAsync();
        (await start.Should().ThrowAsync<OptionsValidationException>()).WithMessage("*MaxParallelism is -2*");
    }

    [Fact]
    public async Task Refused_plugins_are_logged_through_the_apps_logger_when_the_host_starts()
    {
        var empty = Directory.CreateDirectory(Path.Combine(outputFolder, "not-a-plugin"));
        File.WriteAllText(Path.Combine(empty.FullName, "plugin.json"), "{ \"id\": \"broken\" }");
        var logs = new List<string>();
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders().AddProvider(new ListLoggerProvider(logs));
        builder.Services.AddDiffusion(o => o.Device = "cpu").AddPluginFolder(empty.FullName);
        using var withPlugin = builder.Build();

        await withPlugin.StartAsync();
        await withPlugin.StopAsync();

        logs.Should().ContainSingle(l => l.Contains("Plugin refused", StringComparison.Ordinal) && l.Contains("not-a-plugin", StringComparison.Ordinal), string.Join("\n", logs));
        withPlugin.Services.GetRequiredService<IPipelineRunner>();
        logs.Count(l => l.Contains("Plugin refused", StringComparison.Ordinal)).Should().Be(1, "the report is written once");
    }
}
