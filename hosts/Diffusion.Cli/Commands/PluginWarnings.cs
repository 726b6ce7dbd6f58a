using Diffusion.Cli.Rendering;
using Diffusion.Core;
using Microsoft.Extensions.DependencyInjection;

namespace Diffusion.Cli.Commands;

/// <summary>Prints refused plugins as warnings on stderr; the host keeps running with the rest.</summary>
internal static class PluginWarnings
{
    public static void Print(IServiceProvider provider)
    {
        foreach (var failure in provider.GetRequiredService<PluginInventory>().Failed)
        {
            Console.Error.WriteLine(TerminalText.Clean($"warning: plugin {failure.PluginId ?? failure.Folder} not loaded ({failure.Kind}): {failure.Message}"));
        }
    }
}
