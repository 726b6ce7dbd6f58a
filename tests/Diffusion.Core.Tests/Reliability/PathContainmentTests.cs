using Diffusion.Contracts;
using Diffusion.Core.Tests.TestNodes;

namespace Diffusion.Core.Tests.Reliability;

/// <summary>
/// Every path a pipeline names resolves inside a declared root; validation reports the rest with a pointer
/// (docs/adr/0010-path-containment.md). Inputs: the pipeline's folder, the data/ and models/ folders beside it and
/// configured roots; outputs: relative, inside the output folder, one node each.
/// </summary>
public sealed class PathContainmentTests : IDisposable
{
    private readonly HostileFolder folder = new();
    private readonly TestNodeSet nodes = new();

    public void Dispose() => folder.Dispose();

    private IReadOnlyList<ValidationIssue> Validate(string json, InputRootPolicy? roots = null)
    {
        var read = PipelineReader.Read(json, folder.PipelineFile);
        read.Issues.Should().BeEmpty();
        return new PipelineValidator(nodes.Registry, roots).Validate(read.Pipeline!, read.Positions).Issues;
    }

    private static string Reader(string path) =>
        $$"""{ "nodes": { "r": { "type": "test.read_file", "params": { "path": "{{path}}" } } } }""";

    [Theory]
    [InlineData("models/three.txt")]
    [InlineData("../data/four.txt")]
    [InlineData("./models/../models/three.txt")]
    public void Inputs_inside_the_pipeline_folder_or_its_data_and_models_siblings_are_valid(string path) =>
        Validate(Reader(path)).Should().BeEmpty();

    [Theory]
    [InlineData("../secret/secret.txt", "leads to")]
    [InlineData("/etc/hostname", "absolute path outside the input folders")]
    [InlineData("link.txt", "symbolic link")]
    [InlineData("models/../../secret/secret.txt", "leads to")]
    public void Inputs_leading_out_of_every_root_are_errors_with_a_pointer(string path, string why)
    {
        var issue = Validate(Reader(path)).Should().ContainSingle().Subject;

        issue.Code.Should().Be(ValidationCodes.PathOutsideRoot);
        issue.Pointer.Should().Be("/nodes/r/params/path");
        issue.Line.Should().Be(1);
        issue.Message.Should().Contain(why).And.Contain("--input-root");
    }

    [Fact]
    public void A_configured_root_admits_its_files()
    {
        var roots = new InputRootPolicy { ExtraRoots = [folder.Secret] };

        Validate(Reader("../secret/secret.txt"), roots).Should().BeEmpty();
        Validate(Reader(Path.Combine(folder.Secret, "secret.txt")), roots).Should().BeEmpty("an absolute path inside a root is fine");
    }

    [Fact]
    public void Without_the_pipeline_folder_default_only_configured_roots_count()
    {
        var roots = new InputRootPolicy { PipelineFolderIsRoot = false, ExtraRoots = [folder.Data] };

        Validate(Reader("../data/four.txt"), roots).Should().BeEmpty();
        Validate(Reader("models/three.txt"), roots).Should().ContainSingle().Which.Code.Should().Be(ValidationCodes.PathOutsideRoot);
    }

    [Theory]
    [InlineData("models/nope.txt", "does not exist")]
    [InlineData("models", "is a directory")]
    [InlineData("fifo.txt", "named pipe (FIFO)")]
    public void Inputs_must_exist_and_be_regular_files(string path, string why)
    {
        var issue = Validate(Reader(path)).Should().ContainSingle().Subject;

        issue.Code.Should().Be(ValidationCodes.InputFile);
        issue.Pointer.Should().Be("/nodes/r/params/path");
        issue.Message.Should().Contain(why);
    }

    [Fact]
    public void An_input_folder_param_takes_a_folder_not_a_file()
    {
        Validate("""{ "nodes": { "f": { "type": "test.read_folder", "params": { "folder": "../data" } } } }""").Should().BeEmpty();
        Validate("""{ "nodes": { "f": { "type": "test.read_folder", "params": { "folder": "models/three.txt" } } } }""")
            .Should().ContainSingle().Which.Message.Should().Contain("is a file").And.Contain("folder is expected");
    }

    [Fact]
    public void A_default_input_path_is_checked_too()
    {
        // test.read_folder's default "data" does not exist beside this pipeline.
        var issue = Validate("""{ "nodes": { "f": { "type": "test.read_folder" } } }""").Should().ContainSingle().Subject;

        issue.Pointer.Should().Be("/nodes/f/params/folder");
        issue.Message.Should().Contain("does not exist");
    }

    [Theory]
    [InlineData("/tmp/evil.txt", ValidationCodes.PathOutsideRoot, "absolute path")]
    [InlineData("../evil.txt", ValidationCodes.PathOutsideRoot, "climbs out")]
    [InlineData("a/../../evil.txt", ValidationCodes.PathOutsideRoot, "climbs out")]
    [InlineData("", ValidationCodes.ParamValue, "empty")]
    [InlineData(".", ValidationCodes.ParamValue, "output folder itself")]
    public void Outputs_are_relative_and_stay_inside_the_output_folder(string path, string code, string why)
    {
        var issue = Validate($$"""
            { "nodes": { "k": { "type": "test.const" }, "w": { "type": "test.write_file", "inputs": { "value": "k" }, "params": { "path": "{{path}}" } } } }
            """).Should().ContainSingle().Subject;

        issue.Code.Should().Be(code);
        issue.Pointer.Should().Be("/nodes/w/params/path");
        issue.Message.Should().Contain(why);
    }

    [Theory]
    [InlineData("same.txt", "same.txt")]
    [InlineData("a/b.txt", "a/./b.txt")]
    public void Two_nodes_never_claim_the_same_output(string first, string second)
    {
        var issue = Validate($$"""
            { "nodes": { "k": { "type": "test.const" },
              "one": { "type": "test.write_file", "inputs": { "value": "k" }, "params": { "path": "{{first}}" } },
              "two": { "type": "test.write_file", "inputs": { "value": "k" }, "params": { "path": "{{second}}" } } } }
            """).Should().ContainSingle().Subject;

        issue.Code.Should().Be(ValidationCodes.OutputConflict);
        issue.Node.Should().Be("two");
        issue.Message.Should().Contain("\"one\"").And.Contain("\"two\"");
    }

    [Fact]
    public void Claims_are_linear_in_the_number_of_outputs()
    {
        // 20,000 outputs, all distinct: each claim looks at its own ancestors only.
        var writers = string.Join(",", Enumerable.Range(0, 20_000).Select(i => $$"""
            "w{{i}}": { "type": "test.write_file", "inputs": { "value": "k" }, "params": { "path": "d{{i % 7}}/f{{i}}.txt" } }
            """));

        Validate($$"""{ "nodes": { "k": { "type": "test.const" }, {{writers}} } }""").Should().BeEmpty();
    }
}
