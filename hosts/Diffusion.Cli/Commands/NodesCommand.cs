using System.ComponentModel;
using Diffusion.Cli.Rendering;
using Diffusion.Contracts;
using Diffusion.Core;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Diffusion.Cli.Commands;

/// <summary><c>diffuse nodes [type]</c>: lists node types, or shows one with its ports, params, defaults and docs.</summary>
internal sealed class NodesCommand : Command<NodesCommand.Settings>
{
    internal sealed class Settings : GlobalSettings
    {
        [CommandArgument(0, "[TYPE]")]
        [Description("A node type to describe.")]
        public string? Type { get; init; }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        using var provider = HostFactory.Create(settings);
        PluginWarnings.Print(provider);
        var registry = provider.GetRequiredService<NodeTypeRegistry>();
        if (settings.Type is null)
        {
            var table = new Table().AddColumn("type").AddColumn("category").AddColumn("plugin").AddColumn("description");
            foreach (var t in registry.All)
            {
                table.AddRow(Text(t.Descriptor.Name), Text(t.Descriptor.Category), Text(t.PluginId), Text(t.Descriptor.Description));
            }

            AnsiConsole.Write(table);
            return ExitCodes.Success;
        }

        if (!registry.TryGet(settings.Type, out var registered))
        {
            Console.Error.WriteLine(TerminalText.Clean($"Unknown node type \"{settings.Type}\".{Suggestions.DidYouMean(settings.Type, registry.Names)} Run `diffuse nodes` for the list."));
            return ExitCodes.InvalidInput;
        }

        var d = registered.Descriptor;
        AnsiConsole.MarkupLineInterpolated($"[bold]{TerminalText.Clean(d.Name)}[/] ({TerminalText.Clean(d.Category)}, plugin {TerminalText.Clean(registered.PluginId)}){(d.HasSideEffects ? ", writes files" : "")}");
        AnsiConsole.WriteLine(TerminalText.Clean(d.Description));
        var ports = new Table().AddColumn("port").AddColumn("direction").AddColumn("type").AddColumn("").AddColumn("description");
        foreach (var p in d.Inputs)
        {
            ports.AddRow(Text(p.Name), "in", Text(p.Type.Name), (p.Optional ? "optional " : "") + (p.Variadic ? "list" : ""), Text(p.Description));
        }

        foreach (var p in d.Outputs)
        {
            ports.AddRow(Text(p.Name), "out", Text(p.Type.Name), "", Text(p.Description));
        }

        AnsiConsole.Write(ports);
        var parameters = new Table().AddColumn("param").AddColumn("kind").AddColumn("default").AddColumn("range / choices").AddColumn("description");
        foreach (var p in d.Params)
        {
            var range = p.Choices is { Count: > 0 } c ? string.Join(" | ", c) : p.Minimum is null && p.Maximum is null ? "" : $"[{p.Minimum?.ToString() ?? "-inf"}, {p.Maximum?.ToString() ?? "inf"}]";
            var kind = p.Kind.ToString().ToLowerInvariant() + p.Path switch
            {
                Diffusion.Contracts.PathKind.InputFile => " (input file)",
                Diffusion.Contracts.PathKind.InputFolder => " (input folder)",
                Diffusion.Contracts.PathKind.InputFileOrFolder => " (input file or folder)",
                Diffusion.Contracts.PathKind.OutputFile => " (output file)",
                Diffusion.Contracts.PathKind.OutputFolder => " (output folder)",
                _ => "",
            };
            parameters.AddRow(Text(p.Name), kind, Text(p.Required ? "(required)" : p.Default?.ToJsonString() ?? "null"), Text(range), Text(p.Description));
        }

        AnsiConsole.Write(parameters);
        return ExitCodes.Success;
    }

    private static string Text(string? value) => Markup.Escape(TerminalText.Clean(value));
}
