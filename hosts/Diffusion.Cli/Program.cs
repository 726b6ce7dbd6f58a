using Diffusion.Cli;
using Diffusion.Cli.Bench;
using Diffusion.Cli.Commands;
using Spectre.Console;
using Spectre.Console.Cli;

// Tables and messages are read by people in terminals and by tools in logs: never wrap them at 80 columns there.
if (Console.IsOutputRedirected)
{
    AnsiConsole.Profile.Width = 240;
}

var app = new CommandApp();
app.Configure(config =>
{
    config.SetApplicationName("diffuse");
    config.AddCommand<RunCommand>("run").WithDescription("Run a pipeline file.").WithExample("run", "pipelines/mnist-digits.json");
    config.AddCommand<ValidateCommand>("validate").WithDescription("Check a pipeline file and print every problem (exit 2 when invalid).");
    config.AddCommand<NodesCommand>("nodes").WithDescription("List node types, or describe one: ports, params, defaults.");
    config.AddCommand<PluginsCommand>("plugins").WithDescription("List loaded and refused plugins with reasons.");
    config.AddCommand<InfoCommand>("info").WithDescription("Versions, devices, threads and native libraries.");
    config.AddCommand<SchemaCommand>("schema").WithDescription("Write the JSON Schema of pipeline files for the loaded node types.");
    config.AddBranch("bench", bench =>
    {
        bench.SetDescription("Benchmarks that print a table.");
        bench.AddCommand<EngineBenchCommand>("engine").WithDescription("Validate+run time of a 200-node graph and a 1,000-node chain vs a direct-call baseline.");
        bench.AddCommand<SamplerOverheadBenchCommand>("samplers-overhead").WithDescription("Per-step time of sampler.ddpm/ddim through the engine vs hand-written TorchSharp loops, and live tensors over 1,000 steps.");
        bench.AddCommand<UNetBenchCommand>("unet").WithDescription("UNet2DModel forward time at a batch on a device (compare with bench/gpu/unet_forward_bench.py).");
    });
    config.SetExceptionHandler((exception, _) =>
    {
        // Bad options and a device or native runtime that cannot serve them are the user's input to fix (exit 2);
        // anything else that escapes a command is a failure (exit 1).
        var error = exception is CommandAppException or CommandParseException or Diffusion.Torch.TorchRuntimeException
            ? ExitCodes.InvalidInput
            : ExitCodes.RunFailed;
        Console.Error.WriteLine(Diffusion.Cli.Rendering.TerminalText.Clean($"error: {exception.Message}"));
        return error;
    });
});
return await app.RunAsync(args).ConfigureAwait(false);
