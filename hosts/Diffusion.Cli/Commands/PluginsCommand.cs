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
            table.AddRow(Markup.Escape(p.Manifest.Id), Markup.Escape(p.Manifest.Version), "[green]loaded[/]", Markup.Escape(p.Folder), Markup.Escape(string.Join(", ", p.NodeTypes)));
        }

        foreach (var f in inventory.Failed)
        {
            table.AddRow(Markup.Escape(f.PluginId ?? "?"), "", $"[red]{Markup.Escape(f.Kind.ToString())}[/]", Markup.Escape(f.Folder), Markup.Escape(f.Message));
        }

        AnsiConsole.Write(table);
        AnsiConsole.MarkupLineInterpolated($"{inventory.Loaded.Count} loaded, {inventory.Failed.Count} refused");
        return ExitCodes.Success;
    }
}
