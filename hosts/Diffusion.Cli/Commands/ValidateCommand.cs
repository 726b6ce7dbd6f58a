using Diffusion.Cli.Rendering;
using Diffusion.Core;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Diffusion.Cli.Commands;

/// <summary><c>diffuse validate pipeline.json</c>: prints every problem with its pointer; exit 2 when there are any.</summary>
internal sealed class ValidateCommand : Command<PipelineFileSettings>
{
    public override int Execute(CommandContext context, PipelineFileSettings settings, CancellationToken cancellationToken)
    {
        using var provider = HostFactory.Create(settings);
        PluginWarnings.Print(provider);
        var pipeline = PipelineFileCheck.ReadAndValidate(provider.GetRequiredService<IPipelineRunner>(), settings);
        if (pipeline is null)
        {
            return ExitCodes.InvalidInput;
        }

        AnsiConsole.MarkupLineInterpolated($"[green]{TerminalText.Clean(settings.Pipeline)}: valid ({pipeline.Nodes.Count} nodes)[/]");
        return ExitCodes.Success;
    }
}
