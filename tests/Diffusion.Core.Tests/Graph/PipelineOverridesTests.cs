using System.Text.Json.Nodes;
using Diffusion.Contracts;
using Diffusion.Core.Tests.TestNodes;

namespace Diffusion.Core.Tests.Graph;

public sealed class PipelineOverridesTests
{
    private static readonly PipelineDefinition Pipeline = TestNodeSet.Read("""
        {
          "nodes": {
            "c": { "type": "test.configured", "params": { "name": "n", "steps": 5 } },
            "k": { "type": "test.const" },
            "add": { "type": "test.add", "inputs": { "a": "k", "b": "k" } },
            "sum": { "type": "test.sum", "inputs": { "values": ["k"] } }
          }
        }
        """);

    private static JsonNode? Param(PipelineDefinition pipeline, string node, string name) => pipeline.Find(node)!.Params[name];

    [Theory]
    [InlineData("c.params.steps=20", "steps", "20")]
    [InlineData("c.steps=20", "steps", "20")]
    [InlineData("c.params.scale=0.25", "scale", "0.25")]
    [InlineData("c.params.flag=true", "flag", "true")]
    [InlineData("c.params.sizes=[1,2,3]", "sizes", "[1,2,3]")]
    [InlineData("c.params.mode=slow", "mode", "\"slow\"")]
    [InlineData("c.params.name=\"quoted\"", "name", "\"quoted\"")]
    [InlineData("c.params.name=out/a.png", "name", "\"out/a.png\"")]
    [InlineData("c.params.name=a=b", "name", "\"a=b\"")]
    [InlineData("c.params.name=", "name", "\"\"")]
    [InlineData("c.params.name=01", "name", "\"01\"")]
    public void Params_take_json_values_or_else_strings(string text, string name, string expectedJson)
    {
        var (result, issues) = PipelineOverrides.Apply(Pipeline, [text]);

        issues.Should().BeEmpty();
        Param(result, "c", name)!.ToJsonString().Should().Be(expectedJson);
    }

    [Fact]
    public void Overrides_apply_in_order_and_leave_the_original_pipeline_unchanged()
    {
        var (result, issues) = PipelineOverrides.Apply(Pipeline, ["c.steps=20", "c.params.steps=30", "k.value=4"]);

        issues.Should().BeEmpty();
        Param(result, "c", "steps")!.GetValue<int>().Should().Be(30);
        Param(result, "k", "value")!.GetValue<int>().Should().Be(4);
        Param(Pipeline, "c", "steps")!.GetValue<int>().Should().Be(5);
        Pipeline.Find("k")!.Params.Should().BeEmpty();
        result.Nodes.Select(n => n.Id).Should().Equal(Pipeline.Nodes.Select(n => n.Id));
    }

    [Fact]
    public void Inputs_take_one_link_or_a_comma_separated_list()
    {
        var (result, issues) = PipelineOverrides.Apply(Pipeline, ["add.inputs.b=c.value", "sum.inputs.values=k,c.value"]);

        issues.Should().BeEmpty();
        result.Find("add")!.Inputs["b"].Should().BeEquivalentTo(new NodeInput([new LinkReference("c", "value")], IsList: false));
        result.Find("add")!.Inputs["a"].Links.Should().Equal(new LinkReference("k", null));
        var values = result.Find("sum")!.Inputs["values"];
        values.IsList.Should().BeTrue();
        values.Links.Should().Equal(new LinkReference("k", null), new LinkReference("c", "value"));
        Pipeline.Find("add")!.Inputs["b"].Links.Should().Equal(new LinkReference("k", null));
    }

    [Fact]
    public void Overridden_pipeline_validates_with_the_new_values()
    {
        var nodes = new TestNodeSet();
        var (result, _) = PipelineOverrides.Apply(Pipeline, ["c.steps=500"]);

        var validation = nodes.Validator.Validate(result);

        validation.Issues.Should().ContainSingle().Which.Pointer.Should().Be("/nodes/c/params/steps");
    }

    [Theory]
    [InlineData("c.params.steps")]
    [InlineData("=5")]
    [InlineData("c=5")]
    [InlineData("c.params.steps.x=5")]
    [InlineData("c.setting.steps=5")]
    [InlineData("missing.params.steps=5")]
    public void Bad_overrides_are_reported_and_skipped(string text)
    {
        var (result, issues) = PipelineOverrides.Apply(Pipeline, [text, "k.value=9"]);

        var issue = issues.Should().ContainSingle().Subject;
        issue.Code.Should().Be(ValidationCodes.BadOverride);
        issue.Received.Should().Be(text);
        issue.Message.Should().Contain(text);
        Param(result, "k", "value")!.GetValue<int>().Should().Be(9, "good overrides still apply");
        Param(result, "c", "steps")!.GetValue<int>().Should().Be(5);
    }

    [Fact]
    public void Unknown_node_suggests_the_closest_id()
    {
        var (_, issues) = PipelineOverrides.Apply(Pipeline, ["sun.params.x=1"]);

        issues.Should().ContainSingle().Which.Message.Should().Contain("Did you mean \"sum\"?");
    }
}
