using Diffusion.Contracts;
using Diffusion.Core.Tests.TestNodes;
using Diffusion.Torch.Files;

namespace Diffusion.Core.Tests.Reliability;

/// <summary>
/// Before a run, with the output folder known, outputs are resolved through links and checked against what is on disk;
/// while nodes run, <see cref="INodeExecutionContext.ResolveOutputPath"/> and <see cref="INodeExecutionContext.ResolveInputPath"/>
/// enforce the same rules for paths validation could not see. These tests run as root here, where a rename over
/// /dev/null would replace the device.
/// </summary>
public sealed class RunPathTests : IDisposable
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(60);
    private readonly HostileFolder folder = new();
    private readonly TestNodeSet nodes = new();

    public void Dispose() => folder.Dispose();

    private ValidatedPipeline Valid(string json)
    {
        var read = PipelineReader.Read(json, folder.PipelineFile);
        var result = new PipelineValidator(nodes.Registry).Validate(read.Pipeline!, read.Positions);
        result.Issues.Should().BeEmpty();
        return result.Pipeline!;
    }

    private Task<PipelineRunResult> Run(ValidatedPipeline pipeline, bool overwrite = false) =>
        TestNodeSet.Executor().RunAsync(pipeline, new RunOptions { OutputDirectory = folder.Output, Device = "cpu", Overwrite = overwrite }).WaitAsync(Generous);

    private static string Writer(string path) => $$"""
        { "nodes": { "k": { "type": "test.const", "params": { "value": 7 } }, "w": { "type": "test.write_file", "inputs": { "value": "k" }, "params": { "path": "{{path}}" } } } }
        """;

    [Fact]
    public async Task An_existing_output_is_not_replaced_unless_the_run_asks()
    {
        var existing = Path.Combine(folder.Output, "result.txt");
        File.WriteAllText(existing, "precious");
        var pipeline = Valid(Writer("result.txt"));

        var refused = async () => await Run(pipeline);

        var issue = (await refused.Should().ThrowAsync<PipelineValidationException>()).Which.Issues.Should().ContainSingle().Subject;
        issue.Code.Should().Be(ValidationCodes.OutputConflict);
        issue.Pointer.Should().Be("/nodes/w/params/path");
        issue.Message.Should().Contain("already exists").And.Contain("--overwrite");
        File.ReadAllText(existing).Should().Be("precious");

        (await Run(pipeline, overwrite: true)).Status.Should().Be(RunStatus.Succeeded);
        File.ReadAllText(existing).Should().Be("7");
    }

    [Fact]
    public async Task A_link_inside_the_output_folder_that_leads_out_is_refused_before_anything_runs()
    {
        Directory.CreateSymbolicLink(Path.Combine(folder.Output, "escape"), folder.Secret);

        var refused = async () => await Run(Valid(Writer("escape/planted.txt")));

        (await refused.Should().ThrowAsync<PipelineValidationException>()).Which.Issues.Should().ContainSingle()
            .Which.Message.Should().Contain("symbolic link").And.Contain(folder.Secret);
        File.Exists(Path.Combine(folder.Secret, "planted.txt")).Should().BeFalse();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_link_to_a_device_at_the_output_is_never_written_through_even_with_overwrite(bool overwrite)
    {
        Directory.CreateDirectory(folder.Output);
        File.CreateSymbolicLink(Path.Combine(folder.Output, "null.txt"), "/dev/null");

        var refused = async () => await Run(Valid(Writer("null.txt")), overwrite);

        (await refused.Should().ThrowAsync<PipelineValidationException>()).Which.Issues.Should().ContainSingle()
            .Which.Message.Should().Contain("symbolic link");
        FileProbe.Inspect("/dev/null").Kind.Should().Be(FileEntryKind.CharacterDevice, "/dev/null is still the device");
    }

    [Fact]
    public async Task An_output_folder_that_is_a_file_is_reported()
    {
        File.WriteAllText(Path.Combine(folder.Root, "file-out"), "x");
        var pipeline = Valid(Writer("r.txt"));

        var refused = async () => await TestNodeSet.Executor().RunAsync(pipeline, new RunOptions { OutputDirectory = Path.Combine(folder.Root, "file-out") });

        (await refused.Should().ThrowAsync<PipelineValidationException>()).Which.Issues.Should().ContainSingle()
            .Which.Message.Should().Contain("not a folder");
    }

    [Theory]
    [InlineData("../escape.txt", "climbs out")]
    [InlineData("/tmp/escape.txt", "absolute path")]
    [InlineData("", "empty")]
    public async Task Undeclared_output_paths_are_checked_while_the_node_runs(string target, string why)
    {
        var result = await Run(Valid($$"""{ "nodes": { "w": { "type": "test.write_anywhere", "params": { "target": "{{target}}" } } } }"""));

        var failure = result.Failures.Should().ContainSingle().Subject;
        failure.InvalidInput.Should().BeTrue();
        failure.Message.Should().Contain("Node \"w\"").And.Contain(why);
        File.Exists(Path.Combine(folder.Root, "escape.txt")).Should().BeFalse();
    }

    [Fact]
    public async Task Undeclared_input_paths_are_checked_while_the_node_runs()
    {
        var result = await Run(Valid("""{ "nodes": { "w": { "type": "test.write_anywhere", "params": { "source": "../secret/secret.txt" } } } }"""));

        var failure = result.Failures.Should().ContainSingle().Subject;
        failure.InvalidInput.Should().BeTrue();
        failure.Message.Should().Contain("outside the input folders");
    }

    [Fact]
    public async Task Two_nodes_writing_one_file_at_run_time_fail_the_second()
    {
        var result = await Run(Valid("""
            { "nodes": { "a": { "type": "test.write_anywhere", "params": { "target": "x.txt" } },
                         "b": { "type": "test.write_anywhere", "params": { "target": "sub/../x.txt" } } } }
            """));

        var failure = result.Failures.Should().ContainSingle().Subject;
        failure.Message.Should().Contain("already written by node");
        result.Outputs.Should().ContainSingle("one of the two wrote the file, the other was refused");
    }

    [Fact]
    public async Task Inputs_resolve_to_their_real_place_and_are_read()
    {
        var result = await Run(Valid("""{ "nodes": { "r": { "type": "test.read_file", "params": { "path": "../data/four.txt" } } } }"""));

        result.Status.Should().Be(RunStatus.Succeeded);
        result.Output<NumberValue>("r", "value").Value.Should().Be(4);
    }

    [Fact]
    public async Task An_input_swapped_for_a_fifo_after_validation_fails_without_blocking()
    {
        var path = Path.Combine(folder.Pipelines, "swapped.txt");
        File.WriteAllText(path, "1");
        var pipeline = Valid("""{ "nodes": { "r": { "type": "test.read_file", "params": { "path": "swapped.txt" } } } }""");
        File.Delete(path);
        HostileFolder.MakeFifo(path);

        // Caught by the check just before the run (the file changed since validation).
        var refused = async () => await Run(pipeline);

        (await refused.Should().ThrowAsync<PipelineValidationException>()).Which.Issues.Should().ContainSingle()
            .Which.Message.Should().Contain("named pipe");
    }
}
