using Diffusion.Core.Tests.TestNodes;

namespace Diffusion.Core.Tests.Reliability;

/// <summary>What a user reads when a node throws: one line naming the node, no C++ frames, no .NET internals.</summary>
public sealed class NodeErrorTests
{
    private readonly TestNodeSet nodes = new();

    private async Task<NodeFailure> Fail(string kind)
    {
        var pipeline = nodes.Valid($$"""{ "nodes": { "t": { "type": "test.throw", "params": { "kind": "{{kind}}" } } } }""");
        var result = await TestNodeSet.Executor().RunAsync(pipeline, new RunOptions { Device = "cpu" }).WaitAsync(TimeSpan.FromSeconds(60));
        return result.Failures.Should().ContainSingle().Subject;
    }

    [Fact]
    public async Task A_libtorch_error_becomes_its_cause_on_one_line()
    {
        var failure = await Fail("native");

        failure.Message.Should().Be("Node \"t\" (test.throw) failed in libtorch: The size of tensor a (8) must match the size of tensor b (7) at non-singleton dimension 3");
        failure.InvalidInput.Should().BeFalse();
    }

    [Fact]
    public async Task A_plugin_bug_is_called_one_without_the_runtime_message()
    {
        var failure = await Fail("null");

        failure.Message.Should().Contain("internal error (NullReferenceException)").And.Contain("plugin \"tests\"").And.NotContain("Object reference");
        failure.InvalidInput.Should().BeFalse();
    }

    [Theory]
    [InlineData("missing_file", "w.safetensors")]
    [InlineData("corrupt", "w.safetensors")]
    [InlineData("invalid_input", "holds no images")]
    public async Task Unusable_input_is_invalid_input_not_a_node_failure(string kind, string named)
    {
        var failure = await Fail(kind);

        failure.InvalidInput.Should().BeTrue();
        failure.Message.Should().StartWith("Node \"t\" (test.throw): ").And.Contain(named);
    }

    [Fact]
    public async Task Guard_clause_messages_lose_the_parameter_suffix()
    {
        var failure = await Fail("argument");

        failure.Message.Should().Contain("'batchSize'").And.NotContain("(Parameter");
    }
}
