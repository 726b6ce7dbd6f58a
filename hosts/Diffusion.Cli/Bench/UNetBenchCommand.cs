using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Diffusion.Cli.Commands;
using Diffusion.Nn;
using Diffusion.Torch;
using Spectre.Console;
using Spectre.Console.Cli;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Cli.Bench;

/// <summary>
/// <c>diffuse bench unet</c>: forward time of a UNet2DModel (diffusers layout) at a given batch on a device, after a
/// parity check against a reference fixture folder (io.safetensors). The same weights run in PyTorch with
/// bench/gpu/unet_forward_bench.py, so the two timings from one machine give a ratio.
/// </summary>
internal sealed class UNetBenchCommand : Command<UNetBenchCommand.Settings>
{
    internal sealed class Settings : GlobalSettings
    {
        [CommandOption("--weights <FILE>")]
        [Description("UNet weights: our checkpoint (config in metadata) or a diffusers folder.")]
        public string Weights { get; init; } = "pipelines/models/mnist-ddpm.safetensors";

        [CommandOption("--fixture <DIR>")]
        [Description("A reference folder (config.json, weights, io.safetensors) checked before timing.")]
        public string? Fixture { get; init; }

        [CommandOption("--batch <N>")]
        public int Batch { get; init; } = 64;

        [CommandOption("--repeat <N>")]
        public int Repeat { get; init; } = 50;

        [CommandOption("--json <FILE>")]
        [Description("Also write the result as JSON.")]
        public string? Json { get; init; }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        TorchRuntime.EnsureInitialized(new TorchRuntimeOptions { Device = settings.Device, Threads = settings.Threads });
        var device = TorchRuntime.ResolveDevice(settings.Device);
        double? fixtureError = settings.Fixture is null ? null : FixtureError(settings.Fixture);
        using var model = LoadModel(settings.Weights);
        model.to(device);
        model.eval();
        var config = model.Config;
        long size = config.SampleSize ?? 32;
        using var noGrad = no_grad();
        using var x = randn([settings.Batch, config.InChannels, size, size], device: device);
        using var t = full([settings.Batch], 500L, ScalarType.Int64, device: device);
        using var labels = config.NumClassEmbeds is > 0 ? zeros([settings.Batch], ScalarType.Int64, device: device) : null;
        var times = new List<double>();
        for (var i = 0; i < settings.Repeat + 10; i++)
        {
            var clock = Stopwatch.StartNew();
            using (var scope = NewDisposeScope())
            {
                model.forward(x, t, labels);
                if (device.type == DeviceType.CUDA)
                {
                    cuda.synchronize(device);
                }
            }

            if (i >= 10)
            {
                times.Add(clock.Elapsed.TotalMilliseconds);
            }
        }

        times.Sort();
        var median = times[times.Count / 2];
        var table = new Table().AddColumn("item").AddColumn("value");
        table.AddRow("device", device.ToString());
        table.AddRow("weights", Markup.Escape(settings.Weights));
        table.AddRow("batch", settings.Batch.ToString(CultureInfo.InvariantCulture));
        table.AddRow("median forward ms", median.ToString("F3", CultureInfo.InvariantCulture));
        table.AddRow("min forward ms", times[0].ToString("F3", CultureInfo.InvariantCulture));
        if (fixtureError is { } error)
        {
            table.AddRow("fixture relative error", error.ToString("E2", CultureInfo.InvariantCulture));
        }

        AnsiConsole.Write(table);
        if (settings.Json is not null)
        {
            File.WriteAllText(settings.Json, JsonSerializer.Serialize(new { device = device.ToString(), batch = settings.Batch, median_ms = median, min_ms = times[0], fixture_rel_error = fixtureError }));
        }

        return ExitCodes.Success;
    }

    private static UNet2DModel LoadModel(string weights)
    {
        if (Directory.Exists(weights))
        {
            var fromFolder = new UNet2DModel(UNet2DConfig.Load(Path.Combine(weights, "config.json")));
            StateDictLoader.Load(fromFolder, Path.Combine(weights, "diffusion_pytorch_model.safetensors"));
            return fromFolder;
        }

        var header = SafeTensors.ReadHeader(weights);
        if (!header.Metadata.TryGetValue("config", out var json))
        {
            throw new InvalidDataException($"'{weights}' has no \"config\" metadata; pass a diffusers folder or a checkpoint written by train.denoising.");
        }

        var model = new UNet2DModel(UNet2DConfig.Parse(json, weights));
        StateDictLoader.Load(model, weights);
        return model;
    }

    private static double FixtureError(string folder)
    {
        using var model = LoadModel(folder);
        model.eval();
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var io = SafeTensors.Load(Path.Combine(folder, "io.safetensors"));
        var got = model.forward(io["in.sample"], io["in.timestep"], io.TryGetValue("in.class_labels", out var l) ? l : null);
        var reference = io["out.sample"];
        return ((got - reference).abs().max() / reference.abs().max()).item<float>();
    }
}
