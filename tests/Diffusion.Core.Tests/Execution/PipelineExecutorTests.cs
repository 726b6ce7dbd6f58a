using System.Collections.Concurrent;
using Diffusion.Contracts;
using Diffusion.Core.Tests.TestNodes;

namespace Diffusion.Core.Tests.Execution;

public sealed class PipelineExecutorTests
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(20);
    private readonly TestNodeSet nodes = new();

    private static async Task<(PipelineRunResult Result, List<PipelineEvent> Events)> Run(
        PipelineExecutor executor, ValidatedPipeline pipeline, RunOptions? options = null, CancellationToken cancellationToken = default)
    {
        var events = new ConcurrentQueue<PipelineEvent>();
        var result = await executor.RunAsync(pipeline, options ?? new RunOptions { RunId = "run" }, events.Enqueue, cancellationToken).WaitAsync(Generous);
        return (result, events.ToList());
    }

    [Fact]
    public async Task Runs_nodes_in_dependency_order_and_passes_values_along_links()
    {
        var pipeline = nodes.Valid("""
            {
              "nodes": {
                "total": { "type": "test.sum", "inputs": { "values": ["add.sum", "add.difference", "x"] } },
                "add": { "type": "test.add", "inputs": { "a": "x", "b": "y" } },
                "y": { "type": "test.const", "params": { "value": 2 } },
                "x": { "type": "test.const", "params": { "value": 5 } }
              }
            }
            """);

        var (result, events) = await Run(TestNodeSet.Executor(), pipeline, new RunOptions { MaxParallelism = 1 });

        result.Status.Should().Be(RunStatus.Succeeded);
        result.Failures.Should().BeEmpty();
        result.Skipped.Should().BeEmpty();
        result.Output<NumberValue>("add", "sum").Value.Should().Be(7);
        result.Output<NumberValue>("add", "difference").Value.Should().Be(3);
        result.Output<NumberValue>("total", "sum").Value.Should().Be(7 + 3 + 5);
        result.Output<MetricSet>("total", "metrics").Values.Values.Should().Equal(7, 3, 5);
        var finished = events.Where(e => e.Kind == PipelineEventKind.NodeFinished).Select(e => e.NodeId!).ToList();
        finished.IndexOf("add").Should().BeGreaterThan(finished.IndexOf("x")).And.BeGreaterThan(finished.IndexOf("y"));
        finished.IndexOf("total").Should().BeGreaterThan(finished.IndexOf("add"));
        var missing = () => result.Output<NumberValue>("add", "nope");
        missing.Should().Throw<KeyNotFoundException>().WithMessage("*add.nope*");
    }

    [Fact]
    public async Task Independent_branches_run_concurrently_up_to_max_parallelism()
    {
        var pipeline = nodes.Valid("""
            {
              "nodes": {
                "g1": { "type": "test.gate", "params": { "peers": 2 } },
                "g2": { "type": "test.gate", "params": { "peers": 2 } },
                "sum": { "type": "test.sum", "inputs": { "values": ["g1", "g2"] } }
              }
            }
            """);

        var (result, _) = await Run(TestNodeSet.Executor(), pipeline, new RunOptions { MaxParallelism = 2, UseCache = false });

        result.Status.Should().Be(RunStatus.Succeeded, string.Join("; ", result.Failures.Select(f => f.Message)));
        nodes.Gate.MaxRunning.Should().Be(2);
        var (g1, g2) = (nodes.Gate.Spans["g1"], nodes.Gate.Spans["g2"]);
        g1.Start.Should().BeLessThan(g2.End, "g1 started before g2 ended");
        g2.Start.Should().BeLessThan(g1.End, "g2 started before g1 ended");
    }

    [Fact]
    public async Task Max_parallelism_one_runs_nodes_one_at_a_time()
    {
        var pipeline = nodes.Valid("""
            { "nodes": { "g1": { "type": "test.gate" }, "g2": { "type": "test.gate" }, "g3": { "type": "test.gate" } } }
            """);

        // Equal params make equal cache keys: without UseCache = false, g2 and g3 would be answered from g1's result.
        var (result, events) = await Run(TestNodeSet.Executor(), pipeline, new RunOptions { MaxParallelism = 1, UseCache = false });

        result.Status.Should().Be(RunStatus.Succeeded);
        nodes.Gate.MaxRunning.Should().Be(1);
        events.Where(e => e.NodeId is not null).Select(e => e.Kind).Should().Equal(
            PipelineEventKind.NodeStarted, PipelineEventKind.NodeFinished,
            PipelineEventKind.NodeStarted, PipelineEventKind.NodeFinished,
            PipelineEventKind.NodeStarted, PipelineEventKind.NodeFinished);
    }

    [Fact]
    public async Task A_failure_fails_only_its_dependents_and_keeps_other_outputs()
    {
        var pipeline = nodes.Valid("""
            {
              "nodes": {
                "k": { "type": "test.const", "params": { "value": 1 } },
                "bad": { "type": "test.fail", "inputs": { "in": "k" }, "params": { "message": "the disk is full" } },
                "after": { "type": "test.pass", "inputs": { "in": "bad" } },
                "after2": { "type": "test.add", "inputs": { "a": "after", "b": "other" } },
                "other": { "type": "test.pass", "inputs": { "in": "k" } },
                "alone": { "type": "test.const", "params": { "value": 9 } }
              }
            }
            """);

        var (result, events) = await Run(TestNodeSet.Executor(), pipeline);

        result.Status.Should().Be(RunStatus.Failed);
        var failure = result.Failures.Should().ContainSingle().Subject;
        failure.NodeId.Should().Be("bad");
        failure.NodeType.Should().Be("test.fail");
        failure.Message.Should().Contain("bad").And.Contain("the disk is full");
        failure.Exception.Should().BeOfType<InvalidOperationException>();
        result.Skipped.Should().BeEquivalentTo("after", "after2");
        result.Outputs.Keys.Should().BeEquivalentTo("k", "other", "alone");
        result.Output<NumberValue>("other", "value").Value.Should().Be(1);
        events.Should().ContainSingle(e => e.Kind == PipelineEventKind.NodeFailed).Which.NodeId.Should().Be("bad");
        events.Where(e => e.Kind == PipelineEventKind.NodeSkipped).Select(e => e.NodeId).Should().BeEquivalentTo("after", "after2");
        events.Should().NotContain(e => e.Kind == PipelineEventKind.NodeStarted && (e.NodeId == "after" || e.NodeId == "after2"));
        var last = events[^1];
        last.Kind.Should().Be(PipelineEventKind.RunFailed);
        last.Message.Should().Contain("the disk is full");
    }

    [Fact]
    public async Task A_node_that_does_not_produce_a_declared_output_fails_with_a_message_naming_it()
    {
        var pipeline = nodes.Valid("""{ "nodes": { "f": { "type": "test.forgetful" }, "p": { "type": "test.pass", "inputs": { "in": "f" } } } }""");

        var (result, _) = await Run(TestNodeSet.Executor(), pipeline);

        result.Status.Should().Be(RunStatus.Failed);
        result.Failures.Should().ContainSingle().Which.Message.Should().Contain("\"f\"").And.Contain("\"value\"");
        result.Skipped.Should().Equal("p");
    }

    [Fact]
    public async Task Cancellation_returns_cancelled_quickly_and_keeps_completed_outputs()
    {
        var pipeline = nodes.Valid("""
            {
              "nodes": {
                "k": { "type": "test.const", "params": { "value": 3 } },
                "slow": { "type": "test.slow", "inputs": { "in": "k" } },
                "after": { "type": "test.pass", "inputs": { "in": "slow" } }
              }
            }
            """);
        using var cancellation = new CancellationTokenSource();
        var events = new ConcurrentQueue<PipelineEvent>();

        var run = TestNodeSet.Executor().RunAsync(pipeline, new RunOptions(), events.Enqueue, cancellation.Token);
        await nodes.Slow.Started.WaitAsync(Generous);
        await cancellation.CancelAsync();
        var result = await run.WaitAsync(Generous);

        result.Status.Should().Be(RunStatus.Cancelled);
        result.Failures.Should().BeEmpty("cancellation is not a failure");
        result.Output<NumberValue>("k", "value").Value.Should().Be(3);
        result.Skipped.Should().BeEquivalentTo("slow", "after");
        events.Last().Kind.Should().Be(PipelineEventKind.RunCancelled);
        events.Where(e => e.Kind == PipelineEventKind.NodeSkipped).Should().OnlyContain(e => e.Message == "cancelled");
    }

    [Fact]
    public async Task Equal_nodes_within_one_run_are_computed_once()
    {
        var pipeline = nodes.Valid("""{ "nodes": { "c1": { "type": "test.counter" }, "c2": { "type": "test.counter" }, "s": { "type": "test.sum", "inputs": { "values": ["c1", "c2"] } } } }""");

        var (result, events) = await Run(TestNodeSet.Executor(), pipeline, new RunOptions { MaxParallelism = 1 });

        result.Status.Should().Be(RunStatus.Succeeded);
        nodes.Counter.Executions.Should().Be(1);
        events.Should().ContainSingle(e => e.Kind == PipelineEventKind.NodeCached).Which.NodeId.Should().Be("c2");
    }

    [Fact]
    public async Task A_run_cancelled_before_it_starts_runs_nothing()
    {
        var pipeline = nodes.Valid("""{ "nodes": { "c": { "type": "test.counter" } } }""");

        var (result, _) = await Run(TestNodeSet.Executor(), pipeline, cancellationToken: new CancellationToken(canceled: true));

        result.Status.Should().Be(RunStatus.Cancelled);
        result.Skipped.Should().Equal("c");
        nodes.Counter.Executions.Should().Be(0);
    }

    [Fact]
    public async Task Events_follow_the_run_started_node_progress_finished_cached_sequence()
    {
        var pipeline = nodes.Valid("""
            { "nodes": { "k": { "type": "test.const", "params": { "value": 1 } }, "c": { "type": "test.counter", "inputs": { "in": "k" }, "params": { "steps": 3 } } } }
            """);
        var executor = TestNodeSet.Executor();

        var (first, events) = await Run(executor, pipeline, new RunOptions { RunId = "first" });

        first.RunId.Should().Be("first");
        events.Select(e => (e.Kind, e.NodeId)).Should().Equal(
            (PipelineEventKind.RunStarted, null),
            (PipelineEventKind.NodeStarted, "k"),
            (PipelineEventKind.NodeFinished, "k"),
            (PipelineEventKind.NodeStarted, "c"),
            (PipelineEventKind.NodeProgress, "c"),
            (PipelineEventKind.NodeProgress, "c"),
            (PipelineEventKind.NodeProgress, "c"),
            (PipelineEventKind.NodeFinished, "c"),
            (PipelineEventKind.RunFinished, null));
        events.Should().OnlyContain(e => e.RunId == "first");
        var progress = events.Where(e => e.Kind == PipelineEventKind.NodeProgress).ToList();
        progress.Select(e => e.Step).Should().Equal(1, 2, 3);
        progress.Should().OnlyContain(e => e.Total == 3 && e.NodeType == "test.counter");
        progress[1].Message.Should().Be("step 2");
        progress[1].Values!["loss"].Should().Be(0.5);
        events.Where(e => e.Kind == PipelineEventKind.NodeFinished).Should().OnlyContain(e => e.Elapsed != null);
        events[^1].Elapsed.Should().NotBeNull();

        var (second, cachedEvents) = await Run(executor, pipeline, new RunOptions { RunId = "second" });

        second.Output<NumberValue>("c", "value").Value.Should().Be(1);
        cachedEvents.Select(e => (e.Kind, e.NodeId)).Should().Equal(
            (PipelineEventKind.RunStarted, null),
            (PipelineEventKind.NodeCached, "k"),
            (PipelineEventKind.NodeCached, "c"),
            (PipelineEventKind.RunFinished, null));
    }

    [Fact]
    public async Task A_throwing_event_listener_does_not_break_the_run()
    {
        var pipeline = nodes.Valid("""{ "nodes": { "k": { "type": "test.const" } } }""");

        var result = await TestNodeSet.Executor().RunAsync(pipeline, onEvent: _ => throw new InvalidOperationException("listener bug")).WaitAsync(Generous);

        result.Status.Should().Be(RunStatus.Succeeded);
    }

    [Fact]
    public async Task Nodes_see_the_run_context_and_resolve_output_paths_under_the_output_folder()
    {
        var folder = Directory.CreateTempSubdirectory("diffusion-exec-").FullName;
        try
        {
            var pipeline = nodes.Valid("""
                { "nodes": { "k": { "type": "test.const", "params": { "value": 2.5 } }, "w": { "type": "test.write_file", "inputs": { "value": "k" }, "params": { "path": "sub/dir/out.txt" } } } }
                """);

            var (result, _) = await Run(TestNodeSet.Executor(), pipeline, new RunOptions { OutputDirectory = folder, Device = "cpu" });

            result.Status.Should().Be(RunStatus.Succeeded);
            var file = result.Output<string>("w", "file");
            file.Should().Be(Path.Combine(folder, "sub", "dir", "out.txt"));
            (await File.ReadAllTextAsync(file)).Should().Be("2.5");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
