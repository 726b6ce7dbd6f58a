using System.Diagnostics;
using Diffusion.Contracts;
using Diffusion.Torch;
using Diffusion.Torch.Imaging;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Plugins.Sampling;

/// <summary>
/// The <c>sample</c> node: runs any sampler with a denoiser and scheduler (optionally conditioned and guided) over a
/// schedule — the linked one (sliced or split elsewhere), or the scheduler's schedule for <c>steps</c> — and outputs the
/// samples on the CPU, [count, ...sample shape], plus nfe/seconds/steps metrics. It starts from noise, from
/// <c>initial</c> (the output of a sample node that ran the steps before, in the sampler's space) or from
/// <c>source</c> (clean data noised to the first step: image-to-image with <c>strength</c>).
/// </summary>
public sealed class SampleNode : NodeType<SampleNodeOptions>
{
    /// <inheritdoc />
    protected override string Name => "sample";

    /// <inheritdoc />
    protected override string Category => "sampling";

    /// <inheritdoc />
    protected override string Description =>
        "Runs a sampler with a denoiser and scheduler over a schedule (linked, or made for `steps`); from noise, an initial sample or a source (img2img); outputs samples [count, ...] and metrics.";

    /// <inheritdoc />
    protected override IReadOnlyList<PortDescriptor> Outputs { get; } =
    [
        new("samples", PortType.Tensor, "The samples on the CPU, [count, ...sample shape] (at the schedule's last level: x_0 for a whole schedule)."),
        new("metrics", PortType.Metrics, "nfe, seconds, steps."),
    ];

    /// <inheritdoc />
    protected override IReadOnlyList<PortDescriptor> Inputs { get; } =
    [
        new("sampler", PortType.Sampler, "The update rule."),
        new("denoiser", PortType.Denoiser, "The network."),
        new("scheduler", PortType.Scheduler, "The noise schedule."),
        new("schedule", PortType.Schedule, "The steps to take (a schedule node, sliced or split); absent: the scheduler's schedule for `steps`.", Optional: true),
        new("conditioning", PortType.Conditioning, "The condition (batch = count, or 1 to share).", Optional: true),
        new("unconditional", PortType.Conditioning, "The unconditional branch for classifier-free guidance.", Optional: true),
        new("initial", PortType.Tensor, "x at the schedule's first level, in the sampler's space (the samples of a sample node that ran the steps before); count rows.", Optional: true),
        new("source", PortType.Tensor, "Clean data to start from (image-to-image): noised to the first step that `strength` keeps; count rows or 1.", Optional: true),
    ];

    /// <inheritdoc />
    protected override IEnumerable<ValidationIssue> ValidateOptions(SampleNodeOptions options, NodeValidationContext context)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(context);
        foreach (var issue in ComponentTraits.CheckNeeds(context, "sampler", "scheduler", ComponentTraits.ScheduleFamily))
        {
            yield return issue;
        }

        foreach (var issue in ComponentTraits.CheckNeeds(context, "sampler", "denoiser", ComponentTraits.PredictionFamily))
        {
            yield return issue;
        }

        // A linked schedule input replaces the scheduler's own inference schedule, so its bound does not apply then.
        if (context.LinksOf("schedule").Count == 0 && ComponentTraits.MaxSteps(context, "scheduler") is { } maxSteps && options.Steps > maxSteps)
        {
            yield return context.ParamIssue("steps",
                $"steps is {options.Steps} but the linked scheduler has {maxSteps} training timesteps, the most inference steps it can make; set steps to at most {maxSteps} or raise the scheduler's num_train_timesteps.");
        }

        if (options.Strength <= 0 || (options.Strength < 1 && context.LinksOf("source").Count == 0))
        {
            yield return context.ParamIssue("strength",
                options.Strength <= 0 ? "strength must be above 0 (the fraction of the schedule to run)." : "strength below 1 needs a source input (the image to start from); link one or set strength to 1.");
        }

        if (context.LinksOf("initial").Count > 0 && context.LinksOf("source").Count > 0)
        {
            yield return new ValidationIssue(ValidationCodes.InvalidDocument, "Give the sample node an initial sample or a source, not both.", context.InputPointer("source"), context.NodeId, "source");
        }

        // "TPU" once reached TorchSharp's Device(string) and came back as "Requested value 'TPU' was not found".
        if (options.Device is { Length: > 0 } name && DeviceProblem(name) is { } problem)
        {
            yield return context.ParamIssue("device", problem);
        }
    }

    private static string? DeviceProblem(string name)
    {
        try
        {
            TorchRuntime.ResolveDevice(name);
            return null;
        }
        catch (TorchRuntimeException e)
        {
            return e.Message;
        }
    }

    /// <inheritdoc />
    protected override ResourceEstimate? Estimate(SampleNodeOptions options, NodeValidationContext context)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(context);
        // One element per sample when the denoiser's shape is not known from params (a checkpoint decides it): a lower
        // bound, so the estimate never refuses a run that fits; count's own maximum bounds the rest.
        long perSample = ComponentTraits.SampleElements(context, "denoiser") ?? 1;
        long chunk = options.BatchSize > 0 ? Math.Min(options.BatchSize, options.Count) : options.Count;
        long chunks = (options.Count + chunk - 1) / chunk;
        long guided = options.GuidanceScale != 1 && context.LinksOf("unconditional").Count > 0 ? 2 : 1;
        // A chunk's working copies (x, noise, model output, x̂0, next, guided batch) plus the samples collected on the CPU.
        long elements = ResourceEstimate.Times(chunk, perSample, 5 + guided) + ResourceEstimate.Times(options.Count, perSample);
        long calls = ResourceEstimate.Times(options.Steps, chunks);
        return new ResourceEstimate(elements, calls,
            $"count {options.Count} in chunks of {chunk}, {perSample} elements per sample, {options.Steps} steps per chunk")
        {
            ElementsParam = "count",
            CallsParam = options.BatchSize > 0 && chunks > 1 ? "batch_size" : "steps",
        };
    }

    /// <inheritdoc />
    protected override Task<NodeOutputs> ExecuteAsync(INodeExecutionContext context, SampleNodeOptions options)
    {
        var sampler = context.GetInput<ISampler>("sampler");
        var denoiser = context.GetInput<IDenoiser>("denoiser");
        var scheduler = context.GetInput<IScheduler>("scheduler");
        var schedule = context.GetOptionalInput<InferenceSchedule>("schedule") ?? scheduler.CreateInferenceSchedule(options.Steps);
        var source = context.GetOptionalInput<Tensor>("source");
        if (source is not null && options.Strength < 1)
        {
            schedule = schedule.FromStrength(options.Strength);
        }

        if (sampler.Info.Explain(scheduler, denoiser) is { } problem)
        {
            throw new InvalidOperationException($"{context.NodeId}: {problem}");
        }

        var conditioning = context.GetOptionalInput<Conditioning>("conditioning");
        var unconditional = context.GetOptionalInput<Conditioning>("unconditional");
        var initial = context.GetOptionalInput<Tensor>("initial");
        RequireRows(initial, "initial", options.Count, allowOne: false);
        RequireRows(source, "source", options.Count, allowOne: true);
        var device = options.Device is { Length: > 0 } name ? TorchRuntime.ResolveDevice(name) : context.Run.Device;
        var dtype = options.Dtype == LoopDType.Float64 ? ScalarType.Float64 : ScalarType.Float32;
        int chunk = options.BatchSize > 0 ? Math.Min(options.BatchSize, options.Count) : options.Count;
        int chunks = (options.Count + chunk - 1) / chunk;
        var generator = context.Run.CreateGenerator(options.Seed);
        var clock = Stopwatch.StartNew();
        var parts = new List<Tensor>();
        // Previews only when the host asked for them (a server's client watching); the CLI pays nothing.
        var previews = context.Run.PreviewInterval is { } interval ? new PreviewThrottle(interval) : null;
        int nfe = 0, steps = 0, done = 0, total = schedule.Count * chunks;
        try
        {
            for (int start = 0; start < options.Count; start += chunk)
            {
                int size = Math.Min(chunk, options.Count - start);
                var request = new SamplingRequest
                {
                    Denoiser = denoiser,
                    Scheduler = scheduler,
                    Schedule = schedule,
                    Shape = [size, .. denoiser.Info.SampleShape],
                    InitialSample = Rows(initial, start, size, options.Count),
                    Source = Rows(source, start, size, options.Count),
                    Generator = generator,
                    Device = device,
                    DType = dtype,
                    Conditioning = conditioning?.ForChunk(start, size, options.Count),
                    Unconditional = unconditional?.ForChunk(start, size, options.Count),
                    GuidanceScale = options.GuidanceScale,
                    CancellationToken = context.CancellationToken,
                    // Samplers reclaim TorchSharp's finalizer-only scalars themselves (SamplerTensors.Replace).
                    OnStep = step => context.Progress.Report(new NodeProgress(Math.Min(++done, total), total, sampler.Info.Name)
                    {
                        // The predicted x_0 where the sampler has it (what the result will look like), else the current x.
                        Preview = previews?.Due() == true ? SamplePreview.ToPng(step.Denoised ?? step.Sample) : null,
                    }),
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
            var metrics = new MetricSet($"{sampler.Info.Name}-{schedule.Count}", new Dictionary<string, double>
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

    private static void RequireRows(Tensor? tensor, string input, int count, bool allowOne)
    {
        if (tensor is not null && tensor.shape[0] != count && !(allowOne && tensor.shape[0] == 1))
        {
            throw new ArgumentException($"input '{input}' has {tensor.shape[0]} rows; it needs {count} (the count param){(allowOne ? " or 1" : "")}.");
        }
    }

    // Per-sample rows are cut with the chunks; a single shared row is broadcast.
    private static Tensor? Rows(Tensor? tensor, int start, int size, int count) => tensor switch
    {
        null => null,
        _ when tensor.shape[0] == count => size == count ? tensor : tensor.narrow(0, start, size),
        _ => tensor.expand([size, .. tensor.shape[1..]]),
    };
}
