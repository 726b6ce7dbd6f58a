using System.Text;
using Diffusion.Contracts;
using Diffusion.Core.Tests.TestNodes;

namespace Diffusion.Core.Tests.Reliability;

/// <summary>Pipeline files are untrusted: only bounded regular UTF-8 files are read, and huge ones validate in linear time.</summary>
public sealed class PipelineFileTests : IDisposable
{
    private readonly HostileFolder folder = new();
    private readonly TestNodeSet nodes = new();

    public void Dispose() => folder.Dispose();

    [Theory]
    [InlineData("/dev/zero", "character device")]
    [InlineData("/dev/null", "character device")]
    public void A_device_is_never_read(string path, string why)
    {
        var read = PipelineReader.ReadFile(path);

        read.Pipeline.Should().BeNull();
        read.Issues.Should().ContainSingle().Which.Message.Should().Contain(path).And.Contain(why);
    }

    [Fact]
    public async Task A_fifo_is_refused_without_blocking()
    {
        // Opening a FIFO blocks until a writer appears; the reader must look before it opens.
        var read = await Task.Run(() => PipelineReader.ReadFile(Path.Combine(folder.Pipelines, "fifo.txt"))).WaitAsync(TimeSpan.FromSeconds(30));

        read.Issues.Should().ContainSingle().Which.Message.Should().Contain("named pipe (FIFO)");
    }

    [Fact]
    public void A_folder_is_called_a_folder_and_a_missing_file_missing()
    {
        PipelineReader.ReadFile(folder.Pipelines).Issues.Should().ContainSingle().Which.Message.Should().Contain("is a directory");
        PipelineReader.ReadFile(Path.Combine(folder.Root, "nope.json")).Issues.Should().ContainSingle().Which.Message.Should().Contain("does not exist");
    }

    [Fact]
    public void An_oversized_file_is_refused_before_reading()
    {
        var path = Path.Combine(folder.Root, "huge.json");
        using (var file = File.Create(path))
        {
            file.SetLength(PipelineReader.MaxFileBytes + 1); // sparse: no disk used
        }

        PipelineReader.ReadFile(path).Issues.Should().ContainSingle().Which.Message.Should().Contain("over the").And.Contain("limit");
    }

    [Fact]
    public void Text_that_is_not_utf8_is_refused_with_the_file_name()
    {
        var path = Path.Combine(folder.Root, "latin1.json");
        File.WriteAllBytes(path, [.. Encoding.ASCII.GetBytes("{ \"nodes\": { \"a"), 0xE9, .. Encoding.ASCII.GetBytes("\": {} } }")]);

        PipelineReader.ReadFile(path).Issues.Should().ContainSingle().Which.Message.Should().Contain("not UTF-8").And.Contain(path);
    }

    [Fact]
    public void Node_ids_with_control_characters_are_refused()
    {
        var read = PipelineReader.Read("{ \"nodes\": { \"a\\u001b[2Jb\": { \"type\": \"test.const\" }, \"ok\": { \"type\": \"test.const\" } } }");

        read.Issues.Should().ContainSingle().Which.Message.Should().Contain("control characters");
        read.Pipeline!.Nodes.Select(n => n.Id).Should().Equal("ok");
    }

    [Fact]
    public void A_chain_of_50000_nodes_validates_without_exhausting_the_stack()
    {
        var chain = new StringBuilder("{\"nodes\":{\"n0\":{\"type\":\"test.const\"}");
        for (var i = 1; i < 50_000; i++)
        {
            chain.Append($",\"n{i}\":{{\"type\":\"test.pass\",\"inputs\":{{\"in\":\"n{i - 1}\"}}}}");
        }

        chain.Append("}}");

        var pipeline = nodes.Valid(chain.ToString());

        pipeline.Nodes[0].Id.Should().Be("n0");
        pipeline.Nodes[^1].Id.Should().Be("n49999");
    }

    [Fact]
    public void Issues_at_the_end_of_a_long_single_line_point_at_the_right_column()
    {
        var text = new StringBuilder("{\"nodes\":{");
        for (var i = 0; i < 20_000; i++)
        {
            text.Append($"\"n{i}\":{{\"type\":\"test.const\"}},");
        }

        text.Append("\"last\":{\"type\":\"test.const\",\"params\":{\"valeu\":1}}}}");
        var json = text.ToString();

        var issue = nodes.Validate(json).Issues.Should().ContainSingle().Subject;

        issue.Pointer.Should().Be("/nodes/last/params/valeu");
        issue.Line.Should().Be(1);
        issue.Column.Should().Be(json.IndexOf("\"valeu\"", StringComparison.Ordinal) + 1);
    }

    [Fact]
    public void A_cycle_through_many_nodes_is_named_without_listing_them_all()
    {
        var text = new StringBuilder("{\"nodes\":{");
        for (var i = 0; i < 1000; i++)
        {
            text.Append($"\"n{i}\":{{\"type\":\"test.pass\",\"inputs\":{{\"in\":\"n{(i + 1) % 1000}\"}}}},");
        }

        text.Length--;
        text.Append("}}");

        var issue = nodes.Validate(text.ToString()).Issues.Should().ContainSingle().Subject;

        issue.Code.Should().Be(ValidationCodes.Cycle);
        issue.Message.Should().Contain("and 980 more nodes");
    }

    [Fact]
    public void Serializer_errors_name_the_param_and_item()
    {
        var issues = nodes.Validate("""{ "nodes": { "c": { "type": "test.configured", "params": { "name": "n", "sizes": [1, 1e10] } } } }""").Issues;

        var issue = issues.Should().ContainSingle().Subject;
        issue.Pointer.Should().Be("/nodes/c/params/sizes/1");
        issue.Message.Should().Contain("\"sizes\"").And.Contain("whole number from -2147483648 to 2147483647").And.NotContain("System.Int32");
    }

    [Fact]
    public void Null_items_in_lists_are_errors_with_the_item_pointer()
    {
        var issue = nodes.Validate("""{ "nodes": { "c": { "type": "test.configured", "params": { "name": "n", "sizes": [1, null] } } } }""").Issues
            .Should().ContainSingle().Subject;

        issue.Code.Should().Be(ValidationCodes.ParamType);
        issue.Pointer.Should().Be("/nodes/c/params/sizes/1");
    }

    [Fact]
    public void Duplicate_ids_in_a_pipeline_built_in_code_are_an_issue_not_an_exception()
    {
        var node = new NodeDefinition("a", "test.const", new Dictionary<string, NodeInput>(), []);
        var pipeline = new PipelineDefinition(1, [node, node with { Params = [] }]);

        var result = nodes.Validator.Validate(pipeline);

        result.Issues.Should().ContainSingle().Which.Code.Should().Be(ValidationCodes.DuplicateKey);
    }
}
