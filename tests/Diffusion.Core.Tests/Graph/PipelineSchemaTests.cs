using System.Text.Json.Nodes;
using Diffusion.Core.Tests.TestNodes;

namespace Diffusion.Core.Tests.Graph;

public sealed class PipelineSchemaTests
{
    private static readonly JsonObject Schema = PipelineSchema.Build(new TestNodeSet().Registry);

    private static JsonObject Variant(string type) =>
        Schema["properties"]!["nodes"]!["additionalProperties"]!["oneOf"]!.AsArray()
            .Select(v => v!.AsObject())
            .Single(v => v["properties"]!["type"]!["const"]!.GetValue<string>() == type);

    [Fact]
    public void Has_one_variant_per_registered_node_type()
    {
        var titles = Schema["properties"]!["nodes"]!["additionalProperties"]!["oneOf"]!.AsArray().Select(v => v!["title"]!.GetValue<string>());

        titles.Should().BeEquivalentTo(new TestNodeSet().Registry.Names);
        titles.Should().Contain(["test.const", "test.add", "test.sum", "test.configured", "test.write_file"]);
        Schema["required"]!.AsArray().Select(n => n!.GetValue<string>()).Should().Equal("nodes");
    }

    [Fact]
    public void Params_carry_kinds_defaults_ranges_and_choices()
    {
        var parameters = Variant("test.configured")["properties"]!["params"]!;
        var properties = parameters["properties"]!;

        properties["steps"]!["type"]!.GetValue<string>().Should().Be("integer");
        properties["steps"]!["default"]!.GetValue<int>().Should().Be(10);
        properties["steps"]!["minimum"]!.GetValue<double>().Should().Be(1);
        properties["steps"]!["maximum"]!.GetValue<double>().Should().Be(100);
        properties["scale"]!["type"]!.GetValue<string>().Should().Be("number");
        properties["scale"]!["default"]!.GetValue<double>().Should().Be(0.5);
        properties["flag"]!["type"]!.GetValue<string>().Should().Be("boolean");
        properties["flag"]!["default"]!.GetValue<bool>().Should().BeFalse();
        properties["mode"]!["enum"]!.AsArray().Select(n => n!.GetValue<string>()).Should().Equal("fast", "slow");
        properties["mode"]!["default"]!.GetValue<string>().Should().Be("fast");
        properties["sizes"]!["type"]!.GetValue<string>().Should().Be("array");
        properties["name"]!["description"]!.GetValue<string>().Should().Be("Name.");
        properties["name"]!.AsObject().ContainsKey("default").Should().BeFalse("a required param has no default");
        parameters["required"]!.AsArray().Select(n => n!.GetValue<string>()).Should().Equal("name");
        parameters["additionalProperties"]!.GetValue<bool>().Should().BeFalse();
    }

    [Fact]
    public void Inputs_list_required_ports_and_variadic_ports_accept_lists()
    {
        var add = Variant("test.add")["properties"]!["inputs"]!;
        add["required"]!.AsArray().Select(n => n!.GetValue<string>()).Should().Equal("a", "b");
        add["properties"]!["a"]!["type"]!.GetValue<string>().Should().Be("string");
        add["properties"]!["a"]!["description"]!.GetValue<string>().Should().Contain("test_number");

        var sum = Variant("test.sum")["properties"]!["inputs"]!;
        sum["required"]!.AsArray().Should().BeEmpty();
        sum["properties"]!["values"]!["oneOf"]!.AsArray().Select(n => n!["type"]!.GetValue<string>()).Should().Equal("string", "array");
    }

    [Fact]
    public void Schema_is_serializable_json()
    {
        var text = Schema.ToJsonString();

        JsonNode.Parse(text)!["title"]!.GetValue<string>().Should().NotBeNullOrEmpty();
    }
}
