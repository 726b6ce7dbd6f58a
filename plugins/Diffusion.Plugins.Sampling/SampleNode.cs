using System.Diagnostics;
using Diffusion.Contracts;
using Diffusion.Torch;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Plugins.Sampling;

/// <summary>
/// The <c>sample</c> node: runs any sampler with a denoiser and scheduler (optionally conditioned and guided) and
/// outputs the samples on the CPU, [count, ...sample shape], plus nfe/seconds/steps metrics.
/// </summary>
public sealed class SampleNode : NodeType<SampleNodeOptions>
{
    /// <inheritdoc />
    protected override string Name => "sample";

    /// <inheritdoc />
    protected override string Category => "sampling";

    /// <inheritdoc />
    protected override string Description => "Runs a sampler with a denoiser and scheduler; outputs samples [count, ...] and metrics.";

    /// <inheritdoc />
    protected override IReadOnlyList<PortDescriptor> Inputs { get; } =
    [
        new("sampler", PortType.Sampler, "The update rule."),
        new("denoiser", PortType.Denoiser, "The network."),
        new("scheduler", PortType.Scheduler, "The noise schedule."),
        new("conditioning", PortType.Conditioning, "The condition (batch = count, or 1 to share).", Optional: true),
        new("unconditional", PortType.Conditioning, "The unconditional branch for classifier-free guidance.", Optional: true),
    ];

    /// <inheritdoc />
    protected override IReadOnlyList<PortDescriptor> Outputs { get; } =
    [
        new("samples", PortType.Tensor, "The samples on the CPU, [count, ...sample shape]."),
        new("metrics", PortType.Metrics, "nfe, seconds, steps."),
    ];

    /// <inheritdoc />
    protected override IEnumerable<ValidationIssue> ValidateOptions(SampleNodeOptions options, NodeValidationContext context)
    {
        // "TPU" once reached TorchSharp's Device(string) and came back as "Requested value 'TPU' was not found".
        string? problem = null;
        if (options.Device is { Length: > 0 } name)
        {
            try
            {
                TorchRuntime.ResolveDevice(name);
            }
            catch (TorchRuntimeException e)
            {
                problem = e.Message;
            }
        }

        if (problem is not null)
        {
            yield return context.ParamIssue("device", problem);
        }
    }

    /// <inheritdoc />
    protected override Task<NodeOutputs> ExecuteAsync(INodeExecutionContext context, SampleNodeOptions options)
    {
        var sampler = context.GetInput<ISampler>("sampler");
        var denoiser = context.GetInput<IDenoiser>("denoiser");
        var scheduler = context.GetInput<IScheduler>("scheduler");
        var conditioning = context.GetOptionalInput<Conditioning>("conditioning");
        var unconditional = context.GetOptionalInput<Conditioning>("unconditional");
        var device = options.Device is { Length: > 0 } name ? TorchRuntime.ResolveDevice(name) : context.Run.Device;
        var dtype = options.Dtype == "float64" ? ScalarType.Float64 : ScalarType.Float32;
        int chunk = options.BatchSize > 0 ? Math.Min(options.BatchSize, options.Count) : options.Count;
        int chunks = (options.Count + chunk - 1) / chunk;
        var generator = context.Run.CreateGenerator(options.Seed);
        var clock = Stopwatch.StartNew();
        var parts = new List<Tensor>();
        int nfe = 0, steps = 0, done = 0, total = options.Steps * chunks;
        try
        {
            for (int start = 0; start < options.Count; start += chunk)
            {
                int size = Math.Min(chunk, options.Count - start);
                var request = new SamplingRequest
                {
                    Denoiser = denoiser,
                    Scheduler = scheduler,
                    Shape = [size, .. denoiser.Info.SampleShape],
                    Steps = options.Steps,
                    Generator = generator,
                    Device = device,
                    DType = dtype,
                    Conditioning = Slice(conditioning, start, size, options.Count),
                    Unconditional = Slice(unconditional, start, size, options.Count),
                    GuidanceScale = options.GuidanceScale,
                    CancellationToken = context.CancellationToken,
                    OnStep = step =>
                    {
                        context.Progress.Report(new NodeProgress(Math.Min(++done, total), total, sampler.Info.Name));
                        NativeObjectReclaimer.AfterStep(done);
                    },
                };
                var result = sampler.Sample(request);
                using (result.Samples)
                {
                    parts.Add(result.Samples.to(CPU, copy: true).DetachFromDisposeScope());
                }

                nfe += result.FunctionEvaluations;
                steps += result.Steps;
            }

            var samples = parts.Count == 1 ? parts[0] : cat(parts, 0);
            var metrics = new MetricSet($"{sampler.Info.Name}-{options.Steps}", new Dictionary<string, double>
            {
                ["nfe"] = nfe,
                ["seconds"] = clock.Elapsed.TotalSeconds,
                ["steps"] = steps,
            });
            return Task.FromResult(new NodeOutputs().With("samples", samples).With("metrics", metrics));
        }
        finally
        {
            if (parts.Count > 1)
            {
                parts.ForEach(p => p.Dispose());
            }
        }
    }

    // A condition with one row per sample is split with the chunks; a single shared row (batch 1) is expanded.
    private static Conditioning? Slice(Conditioning? conditioning, int start, int size, int count)
    {
        if (conditioning is null)
        {
            return null;
        }

        Tensor? Part(Tensor? t) => t is null ? null
            : t.shape[0] == count && size != count ? t.narrow(0, start, size)
            : t.shape[0] == 1 && size != 1 ? t.expand([size, .. t.shape[1..]])
            : t;
        return new Conditioning
        {
            ClassLabels = Part(conditioning.ClassLabels),
            EncoderHiddenStates = Part(conditioning.EncoderHiddenStates),
            PooledEmbeddings = Part(conditioning.PooledEmbeddings),
            Image = Part(conditioning.Image),
        };
    }
}
