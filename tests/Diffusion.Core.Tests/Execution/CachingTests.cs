using Diffusion.Contracts;
using Diffusion.Core.Tests.TestNodes;

namespace Diffusion.Core.Tests.Execution;

public sealed class CachingTests
{
    private const string CounterPipeline = """
        { "nodes": { "k": { "type": "test.const", "params": { "value": 1 } }, "c": { "type": "test.counter", "inputs": { "in": "k" }, "params": { "value": 10 } } } }
        """;

    private readonly TestNodeSet nodes = new();

    private async Task<PipelineRunResult> Run(PipelineExecutor executor, string json, RunOptions? options = null)
    {
        var result = await executor.RunAsync(nodes.Valid(json), options).WaitAsync(TimeSpan.FromSeconds(20));
        result.Status.Should().Be(RunStatus.Succeeded);
        return result;
    }

    [Fact]
    public async Task Second_run_of_the_same_pipeline_comes_from_the_cache()
    {
        var executor = TestNodeSet.Executor();

        var first = await Run(executor, CounterPipeline);
        var second = await Run(executor, CounterPipeline);

        nodes.Counter.Executions.Should().Be(1);
        second.Output<NumberValue>("c", "value").Should().BeSameAs(first.Output<NumberValue>("c", "value"));
        second.Output<NumberValue>("c", "value").Value.Should().Be(11);
    }

    [Fact]
    public async Task Changing_a_param_misses_and_so_does_changing_an_upstream_param()
    {
        var executor = TestNodeSet.Executor();
        await Run(executor, CounterPipeline);

        var changedOwn = await Run(executor, CounterPipeline.Replace("\"value\": 10", "\"value\": 20", StringComparison.Ordinal));
        nodes.Counter.Executions.Should().Be(2);
        changedOwn.Output<NumberValue>("c", "value").Value.Should().Be(21);

        var changedUpstream = await Run(executor, CounterPipeline.Replace("\"value\": 1 ", "\"value\": 2 ", StringComparison.Ordinal));
        nodes.Counter.Executions.Should().Be(3);
        changedUpstream.Output<NumberValue>("c", "value").Value.Should().Be(12);
    }

    [Fact]
    public async Task Keys_ignore_node_ids_and_key_order_but_not_which_output_is_linked()
    {
        var a = nodes.Valid("""
            { "nodes": { "k": { "type": "test.configured", "params": { "name": "n", "steps": 4, "scale": 0.25 } }, "c": { "type": "test.counter", "inputs": { "in": "k" } } } }
            """);
        var b = nodes.Valid("""
            { "nodes": { "renamed": { "type": "test.counter", "inputs": { "in": "source.value" } }, "source": { "type": "test.configured", "params": { "scale": 0.25, "steps": 4, "name": "n" } } } }
            """);
        var other = nodes.Valid("""
            { "nodes": { "x": { "type": "test.add", "inputs": { "a": "k", "b": "k" } }, "k": { "type": "test.const" }, "c": { "type": "test.counter", "inputs": { "in": "x.sum" } } } }
            """);
        var otherOutput = nodes.Valid("""
            { "nodes": { "x": { "type": "test.add", "inputs": { "a": "k", "b": "k" } }, "k": { "type": "test.const" }, "c": { "type": "test.counter", "inputs": { "in": "x.difference" } } } }
            """);

        Keys(a)["c"].Should().Be(Keys(b)["renamed"]);
        Keys(a)["k"].Should().Be(Keys(b)["source"]);
        Keys(other)["c"].Should().NotBe(Keys(otherOutput)["c"]);

        var executor = TestNodeSet.Executor();
        (await executor.RunAsync(a)).Status.Should().Be(RunStatus.Succeeded);
        var fromB = await executor.RunAsync(b);
        nodes.Counter.Executions.Should().Be(1);
        fromB.Outputs.Keys.Should().BeEquivalentTo("renamed", "source");
    }

    [Fact]
    public void Canonical_json_sorts_object_keys_at_every_depth()
    {
        var x = System.Text.Json.Nodes.JsonNode.Parse("""{ "b": 1, "a": { "d": [1, { "f": 1, "e": 2 }], "c": null } }""");
        var y = System.Text.Json.Nodes.JsonNode.Parse("""{"a":{"c":null,"d":[1,{"e":2,"f":1}]},"b":1}""");

        CacheKeys.Canonical(x).Should().Be(CacheKeys.Canonical(y)).And.Be("""{"a":{"c":null,"d":[1,{"e":2,"f":1}]},"b":1}""");
        CacheKeys.Canonical(System.Text.Json.Nodes.JsonNode.Parse("[2, 1]")).Should().NotBe(CacheKeys.Canonical(System.Text.Json.Nodes.JsonNode.Parse("[1, 2]")));
    }

    [Fact]
    public async Task Side_effect_nodes_are_never_cached_but_their_pure_inputs_are()
    {
        var folder = Directory.CreateTempSubdirectory("diffusion-cache-").FullName;
        try
        {
            var json = """{ "nodes": { "c": { "type": "test.counter", "params": { "value": 4 } }, "w": { "type": "test.write_file", "inputs": { "value": "c" }, "params": { "path": "v.txt" } } } }""";
            var executor = TestNodeSet.Executor();
            var options = new RunOptions { OutputDirectory = folder };

            await Run(executor, json, options);
            File.Delete(Path.Combine(folder, "v.txt"));
            await Run(executor, json, options);

            nodes.WriteFile.Executions.Should().Be(2);
            nodes.Counter.Executions.Should().Be(1);
            File.Exists(Path.Combine(folder, "v.txt")).Should().BeTrue("the side effect happened again");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task Use_cache_false_and_a_zero_budget_both_run_every_time()
    {
        var executor = TestNodeSet.Executor();
        await Run(executor, CounterPipeline, new RunOptions { UseCache = false });
        await Run(executor, CounterPipeline, new RunOptions { UseCache = false });
        nodes.Counter.Executions.Should().Be(2);

        var disabled = TestNodeSet.Executor(new NodeOutputCache(0));
        await Run(disabled, CounterPipeline);
        await Run(disabled, CounterPipeline);
        nodes.Counter.Executions.Should().Be(4);
    }

    [Fact]
    public async Task Failed_nodes_are_not_cached()
    {
        var executor = TestNodeSet.Executor();
        var pipeline = nodes.Valid("""{ "nodes": { "f": { "type": "test.fail" } } }""");

        (await executor.RunAsync(pipeline)).Status.Should().Be(RunStatus.Failed);
        (await executor.RunAsync(pipeline)).Failures.Should().ContainSingle();
    }

    private static Dictionary<string, string> Keys(ValidatedPipeline pipeline)
    {
        var keys = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var node in pipeline.Nodes)
        {
            keys[node.Id] = CacheKeys.Compute(node, keys, fingerprint: null);
        }

        return keys;
    }
}
