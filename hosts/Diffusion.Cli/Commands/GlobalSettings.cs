using System.ComponentModel;
using System.Globalization;
using Spectre.Console;
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

    /// <summary>Rejects option values before anything loads (exit 2 with a message naming the option).</summary>
    public override ValidationResult Validate()
    {
        var device = Device.Trim().ToLowerInvariant();
        var cudaIndex = device.StartsWith("cuda:", StringComparison.Ordinal) ? device[5..] : null;
        if (device is not ("auto" or "cpu" or "cuda") && (cudaIndex is null || !int.TryParse(cudaIndex, NumberStyles.None, CultureInfo.InvariantCulture, out _)))
        {
            return ValidationResult.Error($"--device '{Rendering.TerminalText.Clean(Device)}' is not understood: use auto, cpu, cuda or cuda:N (N = GPU index, e.g. cuda:0).");
        }

        if (Threads is < 1 or > 1024)
        {
            return ValidationResult.Error($"--threads {Threads} is out of range: give a number of threads from 1 to 1024, or leave it out for libtorch's choice.");
        }

        return ValidationResult.Success();
    }
}
