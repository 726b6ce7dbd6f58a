using System.ComponentModel;
using System.Text.Json;
using Diffusion.Core;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console.Cli;

namespace Diffusion.Cli.Commands;

/// <summary><c>diffuse schema [--out file]</c>: the JSON Schema of pipeline files for the loaded node types.</summary>
internal sealed class SchemaCommand : Command<SchemaCommand.Settings>
{
    internal sealed class Settings : GlobalSettings
    {
        [CommandOption("-o|--out <FILE>")]
        [Description("Write to this file instead of stdout (e.g. docs/pipeline.schema.json).")]
        public string? Out { get; init; }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        using var provider = HostFactory.Create(settings);
        var schema = PipelineSchema.Build(provider.GetRequiredService<NodeTypeRegistry>());
        var text = schema.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
        if (settings.Out is null)
        {
            Console.Out.WriteLine(text);
        }
        else
        {
            var directory = Path.GetDirectoryName(Path.GetFullPath(settings.Out));
            Directory.CreateDirectory(directory!);
            File.WriteAllText(settings.Out, text + Environment.NewLine);
            Console.Error.WriteLine($"wrote {settings.Out}");
        }

        return ExitCodes.Success;
    }
}
