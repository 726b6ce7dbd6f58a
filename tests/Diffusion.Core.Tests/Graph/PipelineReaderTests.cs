using Diffusion.Contracts;
using Diffusion.Core.Tests.TestNodes;

namespace Diffusion.Core.Tests.Graph;

public sealed class PipelineReaderTests
{
    [Fact]
    public void Reads_nodes_in_file_order_with_links_and_params()
    {
        var read = PipelineReader.Read("""
            {
              "$schema": "../docs/pipeline.schema.json",
              "version": 1,
              "description": "two constants and their sum",
              // comments and trailing commas are allowed: people edit these files by hand
              "nodes": {
                "b": { "type": "test.const", "params": { "value": 2 } },
                "a": { "type": "test.const", "params": { "value": 1, "nested": { "x": [1, 2] } } },
                "s": { "type": "test.sum", "inputs": { "values": ["a", "b.value"] }, "description": "sum" },
                "p": { "type": "test.pass", "inputs": { "in": "s.sum" } },
              },
            }
            """);

        read.Issues.Should().BeEmpty();
        var pipeline = read.Pipeline!;
        pipeline.Version.Should().Be(1);
        pipeline.Nodes.Select(n => n.Id).Should().Equal("b", "a", "s", "p");
        pipeline.Find("a")!.Params["nested"]!["x"]![1]!.GetValue<int>().Should().Be(2);
        var values = pipeline.Find("s")!.Inputs["values"];
        values.IsList.Should().BeTrue();
        values.Links.Should().Equal(new LinkReference("a", null), new LinkReference("b", "value"));
        var single = pipeline.Find("p")!.Inputs["in"];
        single.IsList.Should().BeFalse();
        single.Links.Should().Equal(new LinkReference("s", "sum"));
        pipeline.SourcePath.Should().BeNull();
    }

    [Fact]
    public void Syntax_error_reports_json_syntax_with_line_and_column_of_the_offending_token()
    {
        // Line 5 starts with four spaces, then the "b" key where a comma was expected: line 5, column 5.
        var read = PipelineReader.Read("{\n  \"version\": 1,\n  \"nodes\": {\n    \"a\": { \"type\": \"test.const\" }\n    \"b\": { \"type\": \"test.const\" }\n  }\n}\n");

        read.Pipeline.Should().BeNull();
        var issue = read.Issues.Should().ContainSingle().Subject;
        issue.Code.Should().Be(ValidationCodes.JsonSyntax);
        issue.Line.Should().Be(5);
        issue.Column.Should().Be(5);
        issue.Message.Should().Contain("line 5, column 5");
    }

    [Fact]
    public void Unterminated_document_is_a_syntax_error_on_the_last_line()
    {
        var read = PipelineReader.Read("{\n  \"nodes\": {\n");

        read.Pipeline.Should().BeNull();
        read.Issues.Should().ContainSingle().Which.Code.Should().Be(ValidationCodes.JsonSyntax);
        read.Issues[0].Line.Should().BeGreaterThanOrEqualTo(2);
    }

    [Fact]
    public void Duplicate_node_ids_are_reported_and_the_first_node_is_kept()
    {
        var read = PipelineReader.Read("""
            {
              "nodes": {
                "a": { "type": "test.const", "params": { "value": 1 } },
                "a": { "type": "test.const", "params": { "value": 2 } }
              }
            }
            """);

        var issue = read.Issues.Should().ContainSingle().Subject;
        issue.Code.Should().Be(ValidationCodes.DuplicateKey);
        issue.Pointer.Should().Be("/nodes/a");
        issue.Line.Should().Be(4, "the issue points at the second, duplicate key");
        issue.Column.Should().Be(5);
        read.Pipeline!.Nodes.Should().ContainSingle().Which.Params["value"]!.GetValue<int>().Should().Be(1);
    }

    [Fact]
    public void Duplicate_params_and_duplicate_inputs_are_reported_with_their_pointers()
    {
        var read = PipelineReader.Read("""
            {
              "nodes": {
                "c": { "type": "test.const", "params": { "value": 1, "value": 2 } },
                "s": { "type": "test.add", "inputs": { "a": "c", "b": "c", "a": "c" } }
              }
            }
            """);

        read.Issues.Select(i => (i.Code, i.Pointer)).Should().BeEquivalentTo(new[]
        {
            (ValidationCodes.DuplicateKey, "/nodes/c/params/value"),
            (ValidationCodes.DuplicateInput, "/nodes/s/inputs/a"),
        });
        read.Issues.Single(i => i.Code == ValidationCodes.DuplicateKey).Line.Should().Be(3);
        var duplicateInput = read.Issues.Single(i => i.Code == ValidationCodes.DuplicateInput);
        duplicateInput.Node.Should().Be("s");
        duplicateInput.Input.Should().Be("a");
        duplicateInput.Column.Should().Be("    \"s\": { \"type\": \"test.add\", \"inputs\": { \"a\": \"c\", \"b\": \"c\", ".Length + 1);
    }

    [Fact]
    public void Nested_duplicate_keys_inside_a_param_are_reported()
    {
        var read = PipelineReader.Read("""{ "nodes": { "c": { "type": "test.const", "params": { "value": { "x": 1, "x": 2 } } } } }""");

        var issue = read.Issues.Should().ContainSingle().Subject;
        issue.Code.Should().Be(ValidationCodes.DuplicateKey);
        issue.Pointer.Should().Be("/nodes/c/params/value/x");
        issue.Input.Should().Be("value");
        issue.Column.Should().Be("""{ "nodes": { "c": { "type": "test.const", "params": { "value": { "x": 1, """.Length + 1);
        read.Pipeline!.Find("c")!.Params.ContainsKey("value").Should().BeFalse("an unreadable param is left out, not kept half-read");
    }

    [Fact]
    public void A_pipeline_with_nested_duplicate_keys_can_still_be_validated_without_throwing()
    {
        var read = PipelineReader.Read("""{ "nodes": { "c": { "type": "test.configured", "params": { "name": "n", "sizes": [1], "extra": [{ "a": 1, "a": 2 }] } } } }""");

        read.Issues.Should().ContainSingle().Which.Pointer.Should().Be("/nodes/c/params/extra/0/a");
        var validate = () => new TestNodeSet().Validator.Validate(read.Pipeline!, read.Positions);
        validate.Should().NotThrow().Which.IsValid.Should().BeTrue();
    }

    [Fact]
    public void Syntax_error_columns_count_characters_not_bytes()
    {
        var read = PipelineReader.Read("{ \"é\": 1 \"x\": 2 }");

        read.Issues.Should().ContainSingle().Which.Column.Should().Be(10);
    }

    [Theory]
    [InlineData("[]", "")]
    [InlineData("""{ "version": 2, "nodes": {} }""", "/version")]
    [InlineData("""{ "version": "1", "nodes": {} }""", "/version")]
    [InlineData("""{ "version": 1 }""", "/nodes")]
    [InlineData("""{ "nodes": [] }""", "/nodes")]
    [InlineData("""{ "nodes": { "a": 5 } }""", "/nodes/a")]
    [InlineData("""{ "nodes": { "a": { "params": {} } } }""", "/nodes/a/type")]
    [InlineData("""{ "nodes": { "a": { "type": 3 } } }""", "/nodes/a/type")]
    [InlineData("""{ "nodes": { "a": { "type": " " } } }""", "/nodes/a/type")]
    [InlineData("""{ "nodes": { "a": { "type": "test.const", "params": [1] } } }""", "/nodes/a/params")]
    [InlineData("""{ "nodes": { "a": { "type": "test.const", "inputs": "b" } } }""", "/nodes/a/inputs")]
    [InlineData("""{ "nodes": { "a": { "type": "test.pass", "inputs": { "in": 3 } } } }""", "/nodes/a/inputs/in")]
    [InlineData("""{ "nodes": { "a": { "type": "test.sum", "inputs": { "values": ["b", 7] } } } }""", "/nodes/a/inputs/values/1")]
    [InlineData("""{ "nodes": { "a": { "type": "test.const", "param": {} } } }""", "/nodes/a/param")]
    [InlineData("""{ "nodes": { "a.b": { "type": "test.const" } } }""", "/nodes/a.b")]
    [InlineData("""{ "nodes": { "": { "type": "test.const" } } }""", "/nodes/")]
    [InlineData("""{ "node": {}, "nodes": { "a": { "type": "test.const" } } }""", "/node")]
    public void Wrong_shapes_are_invalid_document_issues_at_the_right_pointer(string json, string pointer)
    {
        var read = PipelineReader.Read(json);

        var issue = read.Issues.Should().ContainSingle().Subject;
        issue.Code.Should().Be(ValidationCodes.InvalidDocument);
        issue.Pointer.Should().Be(pointer);
        issue.Message.Should().NotBeNullOrWhiteSpace();
    }

    [Fact]
    public void Unknown_top_level_fields_are_all_reported_and_the_nodes_still_read()
    {
        var read = PipelineReader.Read("""
            {
              "nodes": { "a": { "type": "test.const" } },
              "inputs": {},
              "settings": 1
            }
            """);

        read.Issues.Select(i => (i.Code, i.Pointer, i.Line)).Should().Equal(
            (ValidationCodes.InvalidDocument, "/inputs", 3L),
            (ValidationCodes.InvalidDocument, "/settings", 4L));
        read.Pipeline!.Nodes.Should().ContainSingle();
    }

    [Fact]
    public void Several_shape_problems_are_reported_at_once()
    {
        var read = PipelineReader.Read("""
            {
              "extra": true,
              "nodes": {
                "a": { "type": 1 },
                "b": { "type": "test.const", "params": 3 },
                "c": { "type": "test.const", "params": { "value": 1 } }
              }
            }
            """);

        read.Issues.Select(i => i.Pointer).Should().BeEquivalentTo("/extra", "/nodes/a/type", "/nodes/b/params");
        read.Pipeline!.Find("c").Should().NotBeNull();
    }

    [Fact]
    public void Missing_file_is_an_invalid_document_issue_naming_the_path()
    {
        var path = Path.Combine(Path.GetTempPath(), $"no-such-pipeline-{Guid.NewGuid():n}.json");

        var read = PipelineReader.ReadFile(path);

        read.Pipeline.Should().BeNull();
        read.Issues.Should().ContainSingle().Which.Message.Should().Contain(path);
    }

    [Fact]
    public void File_source_sets_the_base_directory_to_the_file_folder()
    {
        var folder = Directory.CreateTempSubdirectory("diffusion-reader-").FullName;
        try
        {
            var path = Path.Combine(folder, "p.json");
            File.WriteAllText(path, """{ "nodes": { "a": { "type": "test.const" } } }""");

            var read = PipelineReader.ReadFile(path);

            read.Issues.Should().BeEmpty();
            read.Pipeline!.SourcePath.Should().Be(path);
            read.Pipeline.BaseDirectory.Should().Be(folder);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Theory]
    [InlineData("node", "node", null)]
    [InlineData("node.output", "node", "output")]
    public void Links_parse_into_node_and_output(string text, string node, string? output)
    {
        var link = LinkReference.Parse(text);

        link.Should().Be(new LinkReference(node, output));
        link.ToString().Should().Be(text);
    }
}
