using System.ComponentModel;
using Spectre.Console.Cli;

namespace Diffusion.Cli.Commands;

/// <summary>Options of the commands that take a pipeline file: the file and its param overrides.</summary>
internal class PipelineFileSettings : GlobalSettings
{
    [CommandArgument(0, "<PIPELINE>")]
    [Description("The pipeline JSON file.")]
    public string Pipeline { get; init; } = "";

    [CommandOption("--set <OVERRIDE>")]
    [Description("Override a param: node.params.name=value (repeatable).")]
    public string[] Overrides { get; init; } = [];

    [CommandOption("--input-root <DIR>")]
    [Description("Another folder inputs may be read from (repeatable). By default only the pipeline file's folder and the data/ and models/ folders beside it.")]
    public string[] InputRoots { get; init; } = [];
}
