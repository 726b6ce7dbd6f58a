using System.ComponentModel;
using Spectre.Console.Cli;

namespace Diffusion.Cli.Commands;

/// <summary>Options every command takes: where plugins are, which device, how many threads.</summary>
internal class GlobalSettings : CommandSettings
{
    [CommandOption("--plugins <PATH>")]
    [Description("Extra plugin folder (repeatable). Built-in plugins load from the app's plugins/ folder; DIFFUSION_PLUGINS adds more (':'-separated).")]
    public string[] Plugins { get; init; } = [];

    [CommandOption("--no-builtin-plugins")]
    [Description("Do not load the built-in plugins.")]
    public bool NoBuiltInPlugins { get; init; }

    [CommandOption("--device <DEVICE>")]
    [Description("auto | cpu | cuda | cuda:N (default auto).")]
    public string Device { get; init; } = "auto";

    [CommandOption("--threads <N>")]
    [Description("libtorch intra-op threads (default: libtorch's choice).")]
    public int? Threads { get; init; }

    [CommandOption("-v|--verbose")]
    [Description("Log plugin loading and node details.")]
    public bool Verbose { get; init; }
}
