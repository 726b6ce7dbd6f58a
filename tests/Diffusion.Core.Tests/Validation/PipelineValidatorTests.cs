using Diffusion.Contracts;
using Diffusion.Core.Tests.TestNodes;

namespace Diffusion.Core.Tests.Validation;

public sealed class PipelineValidatorTests
{
    private readonly TestNodeSet nodes = new();

    private ValidationIssue Single(string json) => nodes.Validate(json).Issues.Should().ContainSingle().Subject;

    [Fact]
    public void Valid_pipeline_gives_an_order_where_every_node_follows_its_dependencies()
    {
        var pipeline = nodes.Valid("""
            {
              "nodes": {
                "total": { "type": "test.sum", "inputs": { "values": ["add.sum", "add.difference", "x"] } },
                "add": { "type": "test.add", "inputs": { "a": "x", "b": "y" } },
                "y": { "type": "test.int", "params": { "value": 2 } },
                "x": { "type": "test.const", "params": { "value": 1 } }
              }
            }
            """);

        var order = pipeline.Nodes.Select(n => n.Id).ToList();
        order.Should().BeEquivalentTo(["total", "add", "y", "x"]);
        foreach (var node in pipeline.Nodes)
        {
            foreach (var dependency in node.Dependencies)
            {
                order.IndexOf(dependency).Should().BeLessThan(order.IndexOf(node.Id), $"{node.Id} depends on {dependency}");
            }
        }

        var total = pipeline.Nodes.Single(n => n.Id == "total");
        total.Inputs["values"].Should().Equal(new ResolvedLink("add", "sum"), new ResolvedLink("add", "difference"), new ResolvedLink("x", "value"));
        total.Dependencies.Should().BeEquivalentTo("add", "x");
        total.Type.PluginId.Should().Be("tests");
    }

    [Fact]
    public void Defaults_are_filled_into_validated_params()
    {
        var pipeline = nodes.Valid("""{ "nodes": { "c": { "type": "test.configured", "params": { "name": "n", "steps": 3 } } } }""");

        var parameters = pipeline.Nodes.Single().Params;
        parameters["steps"]!.GetValue<int>().Should().Be(3);
        parameters["scale"]!.GetValue<double>().Should().Be(0.5);
        parameters["mode"]!.GetValue<string>().Should().Be("fast");
        pipeline.Definition.Find("c")!.Params.ContainsKey("scale").Should().BeFalse("the definition keeps the params as written");
    }

    [Fact]
    public void Unknown_node_type_suggests_the_closest_name()
    {
        var issue = Single("""{ "nodes": { "a": { "type": "test.cosnt" } } }""");

        issue.Code.Should().Be(ValidationCodes.UnknownNodeType);
        issue.Pointer.Should().Be("/nodes/a/type");
        issue.Node.Should().Be("a");
        issue.Received.Should().Be("test.cosnt");
        issue.Message.Should().Contain("Did you mean \"test.const\"?");
    }

    [Fact]
    public void Unknown_input_names_the_accepted_inputs()
    {
        var issue = Single("""{ "nodes": { "k": { "type": "test.const" }, "p": { "type": "test.pass", "inputs": { "in": "k", "inn": "k" } } } }""");

        issue.Code.Should().Be(ValidationCodes.UnknownInput);
        issue.Pointer.Should().Be("/nodes/p/inputs/inn");
        issue.Input.Should().Be("inn");
        issue.Message.Should().Contain("it takes: in");
    }

    [Fact]
    public void Missing_required_input_points_at_the_inputs_of_the_node()
    {
        var issue = Single("""{ "nodes": { "k": { "type": "test.const" }, "add": { "type": "test.add", "inputs": { "a": "k" } } } }""");

        issue.Code.Should().Be(ValidationCodes.MissingInput);
        issue.Pointer.Should().Be("/nodes/add/inputs");
        issue.Input.Should().Be("b");
    }

    [Fact]
    public void Optional_inputs_may_be_left_unlinked()
    {
        nodes.Valid("""{ "nodes": { "s": { "type": "test.sum" }, "c": { "type": "test.counter" } } }""");
    }

    [Fact]
    public void A_list_on_a_single_link_input_is_rejected()
    {
        var issue = Single("""{ "nodes": { "k": { "type": "test.const" }, "p": { "type": "test.pass", "inputs": { "in": ["k"] } } } }""");

        issue.Code.Should().Be(ValidationCodes.InvalidDocument);
        issue.Pointer.Should().Be("/nodes/p/inputs/in");
    }

    [Fact]
    public void Duplicate_input_from_the_reader_survives_into_the_combined_report()
    {
        var read = PipelineReader.Read("""{ "nodes": { "k": { "type": "test.const" }, "p": { "type": "test.pass", "inputs": { "in": "k", "in": "k" } } } }""");

        read.Issues.Should().ContainSingle().Which.Code.Should().Be(ValidationCodes.DuplicateInput);
        nodes.Validator.Validate(read.Pipeline!).IsValid.Should().BeTrue("the first link of a duplicated input is kept");
    }

    [Fact]
    public void Link_to_a_missing_node_suggests_the_closest_id()
    {
        var issue = Single("""{ "nodes": { "const": { "type": "test.const" }, "p": { "type": "test.pass", "inputs": { "in": "cnost.value" } } } }""");

        issue.Code.Should().Be(ValidationCodes.UnknownNode);
        issue.Pointer.Should().Be("/nodes/p/inputs/in");
        issue.Received.Should().Be("cnost.value");
        issue.Message.Should().Contain("Did you mean \"const\"?");
    }

    [Fact]
    public void Link_to_a_missing_output_lists_the_outputs()
    {
        var issue = Single("""{ "nodes": { "k": { "type": "test.const" }, "p": { "type": "test.pass", "inputs": { "in": "k.valeu" } } } }""");

        issue.Code.Should().Be(ValidationCodes.UnknownOutput);
        issue.Message.Should().Contain("Did you mean \"value\"?").And.Contain("value (test_number)");
    }

    [Fact]
    public void Link_to_a_node_without_outputs_is_an_unknown_output()
    {
        var issue = Single("""{ "nodes": { "k": { "type": "test.const" }, "s": { "type": "test.sink", "inputs": { "in": "k" } }, "p": { "type": "test.pass", "inputs": { "in": "s" } } } }""");

        issue.Code.Should().Be(ValidationCodes.UnknownOutput);
        issue.Pointer.Should().Be("/nodes/p/inputs/in");
    }

    [Fact]
    public void Port_type_mismatch_names_both_types()
    {
        var issue = Single("""{ "nodes": { "t": { "type": "test.text" }, "p": { "type": "test.pass", "inputs": { "in": "t" } } } }""");

        issue.Code.Should().Be(ValidationCodes.PortTypeMismatch);
        issue.Pointer.Should().Be("/nodes/p/inputs/in");
        issue.Message.Should().Contain("test_number").And.Contain("test_text");
    }

    [Fact]
    public void Derived_port_types_and_any_ports_accept_narrower_outputs()
    {
        nodes.Valid("""{ "nodes": { "i": { "type": "test.int" }, "p": { "type": "test.pass", "inputs": { "in": "i" } }, "s": { "type": "test.sink", "inputs": { "in": "p" } } } }""");
    }

    [Fact]
    public void Port_type_mismatch_inside_a_variadic_list_points_at_the_item()
    {
        var issue = Single("""{ "nodes": { "k": { "type": "test.const" }, "t": { "type": "test.text" }, "s": { "type": "test.sum", "inputs": { "values": ["k", "t"] } } } }""");

        issue.Code.Should().Be(ValidationCodes.PortTypeMismatch);
        issue.Pointer.Should().Be("/nodes/s/inputs/values/1");
    }

    [Fact]
    public void A_cycle_is_reported_once_naming_every_node_in_it()
    {
        var result = nodes.Validate("""
            {
              "nodes": {
                "a": { "type": "test.pass", "inputs": { "in": "c" } },
                "b": { "type": "test.pass", "inputs": { "in": "a" } },
                "c": { "type": "test.pass", "inputs": { "in": "b" } },
                "d": { "type": "test.pass", "inputs": { "in": "c" } }
              }
            }
            """);

        result.IsValid.Should().BeFalse();
        result.Pipeline.Should().BeNull();
        var issue = result.Issues.Should().ContainSingle().Subject;
        issue.Code.Should().Be(ValidationCodes.Cycle);
        issue.Received!.Split(',').Should().BeEquivalentTo("a", "b", "c");
        issue.Message.Should().Contain("\"a\"").And.Contain("\"b\"").And.Contain("\"c\"").And.NotContain("\"d\"");
        issue.Pointer.Should().StartWith("/nodes/");
    }

    [Fact]
    public void Two_separate_cycles_and_a_self_loop_are_three_issues()
    {
        var issues = nodes.Validate("""
            {
              "nodes": {
                "a": { "type": "test.pass", "inputs": { "in": "b" } },
                "b": { "type": "test.pass", "inputs": { "in": "a" } },
                "x": { "type": "test.add", "inputs": { "a": "y", "b": "k" } },
                "y": { "type": "test.pass", "inputs": { "in": "x.sum" } },
                "k": { "type": "test.const" },
                "self": { "type": "test.counter", "inputs": { "in": "self" } }
              }
            }
            """).Issues;

        issues.Should().HaveCount(3).And.OnlyContain(i => i.Code == ValidationCodes.Cycle);
        issues.Select(i => string.Join(",", i.Received!.Split(',').Order(StringComparer.Ordinal)))
            .Should().BeEquivalentTo("a,b", "x,y", "self");
    }

    [Fact]
    public void Unknown_param_suggests_and_lists_the_params()
    {
        var issue = Single("""{ "nodes": { "c": { "type": "test.configured", "params": { "name": "n", "stpes": 3 } } } }""");

        issue.Code.Should().Be(ValidationCodes.UnknownParam);
        issue.Pointer.Should().Be("/nodes/c/params/stpes");
        issue.Input.Should().Be("stpes");
        issue.Received.Should().Be("3");
        issue.Message.Should().Contain("Did you mean \"steps\"?");
    }

    [Fact]
    public void Missing_required_param_points_at_the_params()
    {
        var issue = Single("""{ "nodes": { "c": { "type": "test.configured" } } }""");

        issue.Code.Should().Be(ValidationCodes.MissingParam);
        issue.Pointer.Should().Be("/nodes/c/params");
        issue.Input.Should().Be("name");
    }

    [Theory]
    [InlineData("\"steps\": \"10\"", "steps")]
    [InlineData("\"steps\": 2.5", "steps")]
    [InlineData("\"steps\": true", "steps")]
    [InlineData("\"scale\": \"0.1\"", "scale")]
    [InlineData("\"flag\": 1", "flag")]
    [InlineData("\"mode\": 3", "mode")]
    [InlineData("\"sizes\": 3", "sizes")]
    [InlineData("\"steps\": null", "steps")]
    [InlineData("\"mode\": null", "mode")]
    public void Param_of_the_wrong_kind_is_a_param_type_issue(string param, string name)
    {
        var issue = Single($$"""{ "nodes": { "c": { "type": "test.configured", "params": { "name": "n", {{param}} } } } }""");

        issue.Code.Should().Be(ValidationCodes.ParamType);
        issue.Pointer.Should().Be($"/nodes/c/params/{name}");
        issue.Input.Should().Be(name);
    }

    [Fact]
    public void Null_for_a_required_param_is_a_param_type_issue()
    {
        var issue = Single("""{ "nodes": { "c": { "type": "test.configured", "params": { "name": null } } } }""");

        issue.Code.Should().Be(ValidationCodes.ParamType);
        issue.Pointer.Should().Be("/nodes/c/params/name");
    }

    [Fact]
    public void Whole_numbers_written_with_a_fraction_or_exponent_bind_to_integer_params()
    {
        var pipeline = nodes.Valid("""{ "nodes": { "c": { "type": "test.configured", "params": { "name": "n", "steps": 2.0, "sizes": [1] } }, "g": { "type": "test.gate", "params": { "peers": 1e0 } } } }""");

        pipeline.Nodes.Single(n => n.Id == "c").Params["steps"]!.ToJsonString().Should().Be("2");
        NodeType<ConfiguredOptions>.Bind(pipeline.Nodes.Single(n => n.Id == "c").Params).Steps.Should().Be(2);
    }

    [Fact]
    public void Pipelines_built_in_code_validate_like_pipelines_read_from_files()
    {
        var pipeline = new PipelineDefinition(1,
        [
            new NodeDefinition("c", "test.configured", new Dictionary<string, NodeInput>(), new System.Text.Json.Nodes.JsonObject { ["name"] = "n", ["steps"] = 500, ["scale"] = 0.5f }),
            new NodeDefinition("k", "test.const", new Dictionary<string, NodeInput>(), new System.Text.Json.Nodes.JsonObject { ["value"] = 3 }),
            new NodeDefinition("untyped", "", new Dictionary<string, NodeInput>(), []),
        ]);

        var issues = nodes.Validator.Validate(pipeline).Issues;

        issues.Select(i => (i.Code, i.Pointer)).Should().BeEquivalentTo(new[]
        {
            (ValidationCodes.ParamValue, "/nodes/c/params/steps"),
            (ValidationCodes.InvalidDocument, "/nodes/untyped/type"),
        });
    }

    [Theory]
    [InlineData("\"steps\": 0", "steps")]
    [InlineData("\"steps\": 101", "steps")]
    [InlineData("\"scale\": -0.01", "scale")]
    [InlineData("\"scale\": 1.5", "scale")]
    [InlineData("\"mode\": \"fats\"", "mode")]
    public void Param_outside_its_range_or_choices_is_a_param_value_issue(string param, string name)
    {
        var issue = Single($$"""{ "nodes": { "c": { "type": "test.configured", "params": { "name": "n", {{param}} } } } }""");

        issue.Code.Should().Be(ValidationCodes.ParamValue);
        issue.Pointer.Should().Be($"/nodes/c/params/{name}");
    }

    [Fact]
    public void Range_bounds_are_inclusive()
    {
        nodes.Valid("""{ "nodes": { "c": { "type": "test.configured", "params": { "name": "n", "steps": 100, "scale": 0 } } } }""");
        nodes.Valid("""{ "nodes": { "c": { "type": "test.configured", "params": { "name": "n", "steps": 1.0, "scale": 1 } } } }""");
    }

    [Fact]
    public void Choice_issue_suggests_the_closest_choice()
    {
        var issue = Single("""{ "nodes": { "c": { "type": "test.configured", "params": { "name": "n", "mode": "slwo" } } } }""");

        issue.Message.Should().Contain("Did you mean \"slow\"?").And.Contain("fast, slow");
    }

    [Fact]
    public void Node_types_own_validation_runs_when_the_schema_is_satisfied()
    {
        var issue = Single("""{ "nodes": { "c": { "type": "test.configured", "params": { "name": "n", "low": 2, "high": 1 } } } }""");

        issue.Code.Should().Be(ValidationCodes.ParamValue);
        issue.Pointer.Should().Be("/nodes/c/params/low");
        issue.Received.Should().Be("2");
        issue.Message.Should().Contain("must not exceed");
    }

    [Fact]
    public void Params_that_fit_the_schema_but_not_the_options_record_are_param_type_issues()
    {
        // 3e9 is a whole number, but does not fit the int items of Sizes.
        var issue = Single("""{ "nodes": { "c": { "type": "test.configured", "params": { "name": "n", "sizes": [3000000000] } } } }""");

        issue.Code.Should().Be(ValidationCodes.ParamType);
        issue.Node.Should().Be("c");
    }

    [Fact]
    public void Empty_pipeline_is_invalid()
    {
        var pipeline = TestNodeSet.Read("""{ "nodes": {} }""");

        var issue = nodes.Validator.Validate(pipeline).Issues.Should().ContainSingle().Subject;
        issue.Code.Should().Be(ValidationCodes.InvalidDocument);
        issue.Pointer.Should().Be("/nodes");
    }

    [Fact]
    public void Every_problem_is_reported_at_once_with_its_pointer_and_position()
    {
        var result = nodes.Validate("""
            {
              "nodes": {
                "k": { "type": "test.const", "params": { "value": 1 } },
                "t": { "type": "test.text" },
                "bad_type": { "type": "test.ad" },
                "add": { "type": "test.add", "inputs": { "a": "t", "c": "k" } },
                "cfg": {
                  "type": "test.configured",
                  "params": { "steps": 0, "mode": "medium", "flag": "yes", "colour": "red" }
                },
                "p": { "type": "test.pass", "inputs": { "in": "ghost.value" } },
                "q": { "type": "test.pass", "inputs": { "in": "k.nothing" } },
                "loop1": { "type": "test.pass", "inputs": { "in": "loop2" } },
                "loop2": { "type": "test.pass", "inputs": { "in": "loop1" } }
              }
            }
            """);

        result.IsValid.Should().BeFalse();
        result.Issues.Select(i => (i.Code, i.Pointer)).Should().BeEquivalentTo(new[]
        {
            (ValidationCodes.UnknownNodeType, "/nodes/bad_type/type"),
            (ValidationCodes.PortTypeMismatch, "/nodes/add/inputs/a"),
            (ValidationCodes.UnknownInput, "/nodes/add/inputs/c"),
            (ValidationCodes.MissingInput, "/nodes/add/inputs"),
            (ValidationCodes.ParamValue, "/nodes/cfg/params/steps"),
            (ValidationCodes.ParamValue, "/nodes/cfg/params/mode"),
            (ValidationCodes.ParamType, "/nodes/cfg/params/flag"),
            (ValidationCodes.UnknownParam, "/nodes/cfg/params/colour"),
            (ValidationCodes.MissingParam, "/nodes/cfg/params"),
            (ValidationCodes.UnknownNode, "/nodes/p/inputs/in"),
            (ValidationCodes.UnknownOutput, "/nodes/q/inputs/in"),
            (ValidationCodes.Cycle, "/nodes/loop1"),
        });

        var located = result.Issues.ToDictionary(i => (i.Code, i.Pointer), i => (i.Line, i.Column));
        located[(ValidationCodes.UnknownNodeType, "/nodes/bad_type/type")].Should().Be((5L, 19L));
        located[(ValidationCodes.ParamValue, "/nodes/cfg/params/steps")].Should().Be((9L, 19L));
        located[(ValidationCodes.UnknownParam, "/nodes/cfg/params/colour")].Should().Be((9L, 64L));
        located[(ValidationCodes.MissingParam, "/nodes/cfg/params")].Should().Be((9L, 7L));
        located[(ValidationCodes.MissingInput, "/nodes/add/inputs")].Should().Be((6L, 34L));
        located[(ValidationCodes.Cycle, "/nodes/loop1")].Should().Be((13L, 5L));
        result.Issues.Should().OnlyContain(i => i.Line != null && i.Column != null);
    }

    [Fact]
    public void Without_positions_issues_have_no_line()
    {
        var pipeline = TestNodeSet.Read("""{ "nodes": { "a": { "type": "nope" } } }""");

        nodes.Validator.Validate(pipeline).Issues.Should().ContainSingle().Which.Line.Should().BeNull();
    }
}
