using System.ComponentModel;
using Diffusion.Cli.Rendering;
using Diffusion.Core;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Diffusion.Cli.Commands;

/// <summary><c>diffuse validate pipeline.json</c>: prints every problem with its pointer; exit 2 when there are any.</summary>
internal sealed class ValidateCommand : Command<ValidateCommand.Settings>
{
    internal sealed class Settings : GlobalSettings
    {
        [CommandArgument(0, "<PIPELINE>")]
        [Description("The pipeline JSON file.")]
        public string Pipeline { get; init; } = "";

        [CommandOption("--set <OVERRIDE>")]
        [Description("Override a param: node.params.name=value (repeatable).")]
        public string[] Overrides { get; init; } = [];
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        using var provider = HostFactory.Create(settings);
        PluginWarnings.Print(provider);
        var runner = provider.GetRequiredService<IPipelineRunner>();
        var read = runner.ReadFile(settings.Pipeline, settings.Overrides);
        var issues = read.Issues.ToList();
        if (read.Pipeline is not null)
        {
            issues.AddRange(runner.Validate(read.Pipeline, read.Positions).Issues);
        }

        if (issues.Count > 0)
        {
            IssuePrinter.Print(settings.Pipeline, issues);
            return ExitCodes.InvalidInput;
        }

        AnsiConsole.MarkupLineInterpolated($"[green]{settings.Pipeline}: valid ({read.Pipeline!.Nodes.Count} nodes)[/]");
        return ExitCodes.Success;
    }
}
