using Diffusion.Cli.Rendering;
using Diffusion.Core;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Diffusion.Cli.Commands;

/// <summary><c>diffuse plugins</c>: loaded plugins with their node types, and refused ones with the reason.</summary>
internal sealed class PluginsCommand : Command<GlobalSettings>
{
    public override int Execute(CommandContext context, GlobalSettings settings, CancellationToken cancellationToken)
    {
        using var provider = HostFactory.Create(settings);
        var inventory = provider.GetRequiredService<PluginInventory>();
        var table = new Table().AddColumn("plugin").AddColumn("version").AddColumn("state").AddColumn("folder").AddColumn("node types / reason");
        foreach (var p in inventory.Loaded)
        {
            table.AddRow(Text(p.Manifest.Id), Text(p.Manifest.Version), "[green]loaded[/]", Text(p.Folder), Text(string.Join(", ", p.NodeTypes)));
        }

        foreach (var f in inventory.Failed)
        {
            table.AddRow(Text(f.PluginId ?? "?"), "", $"[red]{Markup.Escape(f.Kind.ToString())}[/]", Text(f.Folder), Text(f.Message));
        }

        AnsiConsole.Write(table);
        AnsiConsole.MarkupLineInterpolated($"{inventory.Loaded.Count} loaded, {inventory.Failed.Count} refused");
        return ExitCodes.Success;
    }

    private static string Text(string? value) => Markup.Escape(TerminalText.Clean(value));
}
