using System.Runtime.InteropServices;
using Diffusion.Contracts;
using Diffusion.Core;
using Diffusion.Torch;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;
using Spectre.Console.Cli;
using TorchSharp;

namespace Diffusion.Cli.Commands;

/// <summary><c>diffuse info</c>: versions, devices, threads, native libraries and whether the compatibility copy was used.</summary>
internal sealed class InfoCommand : Command<GlobalSettings>
{
    public override int Execute(CommandContext context, GlobalSettings settings, CancellationToken cancellationToken)
    {
        using var provider = HostFactory.Create(settings);
        var info = TorchRuntime.Info;
        var inventory = provider.GetRequiredService<PluginInventory>();
        var table = new Table().AddColumn("item").AddColumn("value");
        void Row(string k, object? v) => table.AddRow(Markup.Escape(k), Markup.Escape(v?.ToString() ?? ""));
        Row("diffuse", typeof(InfoCommand).Assembly.GetName().Version);
        Row("contracts", ContractsVersion.Current);
        Row(".NET", RuntimeInformation.FrameworkDescription);
        Row("os", RuntimeInformation.OSDescription);
        Row("TorchSharp", info.TorchSharpVersion);
        Row("libtorch", $"{info.LibTorchVersion} from {info.LibTorchDirectory} ({info.LibTorchSource})");
        Row("LibTorchSharp loaded", info.LibTorchSharpPath);
        Row("compatibility copy", info.UsedCompatibilityCopy ? $"yes: {info.CompatibilityReason}" : "no");
        Row("system GLIBCXX max", info.SystemGlibcxxMaxVersion);
        Row("cuda available", info.CudaAvailable);
        Row("cuda devices", info.CudaDeviceCount);
        Row("default device", TorchRuntime.ResolveDevice(settings.Device));
        Row("threads", torch.get_num_threads());
        Row("native libraries", string.Join(Environment.NewLine, info.NativeLibrariesLoaded));
        Row("plugins", $"{inventory.Loaded.Count} loaded, {inventory.Failed.Count} refused (diffuse plugins)");
        Row("node types", provider.GetRequiredService<NodeTypeRegistry>().All.Count);
        AnsiConsole.Write(table);
        return ExitCodes.Success;
    }
}
