using Diffusion.Contracts;
using Microsoft.Extensions.Logging;

namespace Diffusion.Plugins.Distillation;

/// <summary><c>train.consistency</c>: consistency distillation of a denoiser (see <see cref="ConsistencyDistiller"/>).</summary>
public sealed class ConsistencyDistillNode : NodeType<ConsistencyDistillOptions>
{
    /// <inheritdoc />
    protected override string Name => "train.consistency";

    /// <inheritdoc />
    protected override string Category => "training";

    /// <inheritdoc />
    protected override string Description => "Consistency distillation (Song et al. 2023, Algorithm 2): a student copied from the teacher learns f(x, σ) that maps every point of a probability-flow ODE trajectory to its start, against an EMA target and one ODE step of the teacher's solver. Sample it with sampler.consistency in 1 or more calls.";

    /// <inheritdoc />
    protected override IReadOnlyList<PortDescriptor> Inputs =>
    [
        new("data", PortType.Dataset, "Training data (the teacher's)."),
        new("teacher", PortType.Denoiser, "The trained teacher (a trainable denoiser; never changed)."),
        new("scheduler", PortType.Scheduler, "The teacher's discrete schedule (its σ range and σ → t table)."),
        new("sampler", PortType.Sampler, "The teacher's ODE solver for one step between levels (sampler.heun or sampler.euler)."),
        new("student", PortType.Denoiser, "Where the student starts (default: a copy of the teacher).", Optional: true),
    ];

    /// <inheritdoc />
    protected override IReadOnlyList<PortDescriptor> Outputs =>
    [
        new("denoiser", PortType.Denoiser, "The consistency model (target network θ⁻) predicting x0 from σ-scaled input; sample with sampler.consistency."),
        new("metrics", PortType.Metrics, "loss (last step), loss_avg (last 100), it_per_s, steps, seconds, sigma_min, sigma_max."),
    ];

    /// <inheritdoc />
    protected override IReadOnlyDictionary<string, IReadOnlySet<string>> OutputTraits(ConsistencyDistillOptions options, NodeValidationContext context) =>
        new Dictionary<string, IReadOnlySet<string>> { ["denoiser"] = ComponentTraits.OfPrediction(PredictionType.Sample) };

    /// <inheritdoc />
    protected override IEnumerable<ValidationIssue> ValidateOptions(ConsistencyDistillOptions options, NodeValidationContext context)
    {
        if (options.Betas.Length != 2 || options.Betas.Any(b => b < 0 || b >= 1))
        {
            yield return context.ParamIssue("betas", "betas must be two numbers in [0, 1), e.g. [0.9, 0.999].");
        }

        if (options.CheckpointEvery > 0 && options.CheckpointPath is null)
        {
            yield return context.ParamIssue("checkpoint_every", "checkpoint_every needs checkpoint_path.");
        }

        if (options.SigmaMin is { } low && options.SigmaMax is { } high && !(high > low))
        {
            yield return context.ParamIssue("sigma_max", $"sigma_max ({high}) must be above sigma_min ({low}).");
        }

        if (options.SigmaMin is <= 0)
        {
            yield return context.ParamIssue("sigma_min", "sigma_min must be above 0: f(x, σ_min) = x is the boundary condition (use null for the scheduler's smallest σ).");
        }

        if (!(options.SigmaData > 0))
        {
            yield return context.ParamIssue("sigma_data", "sigma_data must be above 0 (0.5 for data in [-1, 1]).");
        }

        if (options.TimesPerBatch > options.Batch)
        {
            yield return context.ParamIssue("times_per_batch", $"times_per_batch ({options.TimesPerBatch}) cannot exceed batch ({options.Batch}); use 0 for one draw per item.");
        }
    }

    /// <inheritdoc />
    protected override Task<NodeOutputs> ExecuteAsync(INodeExecutionContext context, ConsistencyDistillOptions options)
    {
        var data = context.GetInput<IDataset>("data");
        var scheduler = context.GetInput<IScheduler>("scheduler");
        var solver = context.GetInput<ISampler>("sampler");
        var teacher = context.GetInput<IDenoiser>("teacher") as ITrainableDenoiser
            ?? throw new InvalidInputException($"train.consistency '{context.NodeId}': input 'teacher' cannot be copied into a student; link a trainable denoiser (denoiser.mlp2d, denoiser.unet2d).");
        var studentInput = context.GetOptionalInput<IDenoiser>("student");
        var student = studentInput is null ? null : studentInput as ITrainableDenoiser
            ?? throw new InvalidInputException($"train.consistency '{context.NodeId}': input 'student' is a {studentInput.GetType().Name}, which cannot be trained; link a trainable denoiser.");
        var environment = new ConsistencyDistiller.Environment
        {
            Device = context.Run.Device,
            Progress = context.Progress,
            CancellationToken = context.CancellationToken,
            Logger = context.Logger,
            CheckpointPath = options.CheckpointPath is null ? null : context.ResolveOutputPath(options.CheckpointPath),
            ResumePath = options.Resume is null ? null : context.ResolveInputPath(options.Resume),
            Label = $"train.consistency '{context.NodeId}'",
        };
        var result = new ConsistencyDistiller(options).Train(data, teacher, solver, scheduler, environment, student);
        var losses = result.Losses;
        var tail = losses.Skip(Math.Max(0, losses.Count - 100)).ToList();
        var values = new Dictionary<string, double>(StringComparer.Ordinal)
        {
            ["loss"] = losses.Count > 0 ? losses[^1] : double.NaN,
            ["loss_avg"] = tail.Count > 0 ? tail.Average() : double.NaN,
            ["it_per_s"] = result.Seconds > 0 ? losses.Count / result.Seconds : 0,
            ["steps"] = result.FirstStep + losses.Count,
            ["seconds"] = result.Seconds,
            ["sigma_min"] = result.Model.SigmaMin,
            ["sigma_max"] = result.Sigmas[^1],
        };
        context.Logger.LogInformation("{Node}: {Steps} steps in {Seconds:F1} s, final loss {Loss:E3}.", context.NodeId, values["steps"], result.Seconds, values["loss_avg"]);
        return Task.FromResult(new NodeOutputs()
            .With("denoiser", result.Model)
            .With("metrics", new MetricSet(options.Label ?? context.NodeId, values)));
    }
}
