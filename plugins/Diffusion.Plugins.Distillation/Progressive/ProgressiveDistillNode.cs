using Diffusion.Contracts;
using Microsoft.Extensions.Logging;

namespace Diffusion.Plugins.Distillation;

/// <summary><c>train.distill</c>: progressive distillation of a denoiser and its DDIM sampler (see <see cref="ProgressiveDistiller"/>).</summary>
public sealed class ProgressiveDistillNode : NodeType<ProgressiveDistillOptions>
{
    /// <inheritdoc />
    protected override string Name => "train.distill";

    /// <inheritdoc />
    protected override string Category => "training";

    /// <inheritdoc />
    protected override string Description => "Progressive distillation (Salimans & Ho 2022): a student learns two of its teacher's DDIM steps in one (v-parameterised, truncated-SNR weighted), halving the steps every round. The student is an ordinary denoiser for sampler.ddim on the same scheduler.";

    /// <inheritdoc />
    protected override IReadOnlyList<PortDescriptor> Inputs =>
    [
        new("data", PortType.Dataset, "Training data (the teacher's)."),
        new("teacher", PortType.Denoiser, "The trained teacher (a trainable denoiser; never changed)."),
        new("scheduler", PortType.Scheduler, "The teacher's schedule (scheduler.discrete with timestep_spacing trailing), whose N-step and N/2-step schedules the rounds use."),
        new("sampler", PortType.Sampler, "The teacher's deterministic sampler (sampler.ddim, eta 0, previous_timestep next)."),
        new("student", PortType.Denoiser, "Where the student starts (default: a copy of the teacher).", Optional: true),
    ];

    /// <inheritdoc />
    protected override IReadOnlyList<PortDescriptor> Outputs =>
    [
        new("denoiser", PortType.Denoiser, "The final student: sample it with sampler.ddim for student_steps steps on the same scheduler."),
        new("metrics", PortType.Metrics, "loss (last step), loss_avg (last 100 steps), rounds, student_steps, it_per_s, steps, seconds."),
    ];

    /// <inheritdoc />
    protected override IReadOnlyDictionary<string, IReadOnlySet<string>> OutputTraits(ProgressiveDistillOptions options, NodeValidationContext context)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.StudentPrediction == "v_prediction")
        {
            return new Dictionary<string, IReadOnlySet<string>> { ["denoiser"] = ComponentTraits.OfPrediction(PredictionType.VPrediction) };
        }

        ArgumentNullException.ThrowIfNull(context);
        return context.LinksOf("teacher").FirstOrDefault() is { } teacher
            ? new Dictionary<string, IReadOnlySet<string>> { ["denoiser"] = teacher.Traits }
            : new Dictionary<string, IReadOnlySet<string>>();
    }

    /// <inheritdoc />
    protected override IEnumerable<ValidationIssue> ValidateOptions(ProgressiveDistillOptions options, NodeValidationContext context)
    {
        if (ProgressiveDistiller.RoundsOf(options.TeacherSteps, options.StudentSteps) is null)
        {
            yield return context.ParamIssue("student_steps", $"student_steps ({options.StudentSteps}) must be teacher_steps ({options.TeacherSteps}) halved one or more times (64 -> 32, 16, 8, ...); change one of them.");
        }

        if (options.Betas.Length != 2 || options.Betas.Any(b => b < 0 || b >= 1))
        {
            yield return context.ParamIssue("betas", "betas must be two numbers in [0, 1), e.g. [0.9, 0.999].");
        }

        if (options.CheckpointEvery > 0 && options.CheckpointPath is null)
        {
            yield return context.ParamIssue("checkpoint_every", "checkpoint_every needs checkpoint_path.");
        }

        if (options.TimesPerBatch > options.Batch)
        {
            yield return context.ParamIssue("times_per_batch", $"times_per_batch ({options.TimesPerBatch}) cannot exceed batch ({options.Batch}); use 0 for one draw per item.");
        }
    }

    /// <inheritdoc />
    protected override Task<NodeOutputs> ExecuteAsync(INodeExecutionContext context, ProgressiveDistillOptions options)
    {
        var data = context.GetInput<IDataset>("data");
        var scheduler = context.GetInput<IScheduler>("scheduler");
        var sampler = context.GetInput<ISampler>("sampler");
        var teacher = Trainable(context.GetInput<IDenoiser>("teacher"), "teacher", context.NodeId);
        var studentInput = context.GetOptionalInput<IDenoiser>("student");
        var student = studentInput is null ? null : Trainable(studentInput, "student", context.NodeId);
        var environment = new ProgressiveDistiller.Environment
        {
            Device = context.Run.Device,
            Progress = context.Progress,
            CancellationToken = context.CancellationToken,
            Logger = context.Logger,
            CheckpointPath = options.CheckpointPath is null ? null : context.ResolveOutputPath(options.CheckpointPath),
            ResumePath = options.Resume is null ? null : context.ResolveInputPath(options.Resume),
            Label = $"train.distill '{context.NodeId}'",
        };
        var distiller = new ProgressiveDistiller(options);
        var result = distiller.Train(data, teacher, sampler, scheduler, environment, student);
        var losses = result.Losses;
        var tail = losses.Skip(Math.Max(0, losses.Count - 100)).ToList();
        var values = new Dictionary<string, double>(StringComparer.Ordinal)
        {
            ["loss"] = losses.Count > 0 ? losses[^1] : double.NaN,
            ["loss_avg"] = tail.Count > 0 ? tail.Average() : double.NaN,
            ["rounds"] = distiller.Rounds,
            ["student_steps"] = options.StudentSteps,
            ["it_per_s"] = result.Seconds > 0 ? losses.Count / result.Seconds : 0,
            ["steps"] = result.FirstStep + losses.Count,
            ["seconds"] = result.Seconds,
        };
        context.Logger.LogInformation("{Node}: {Rounds} rounds to {Steps} steps in {Seconds:F1} s, final loss {Loss:F4}.", context.NodeId, distiller.Rounds, options.StudentSteps, result.Seconds, values["loss_avg"]);
        return Task.FromResult(new NodeOutputs()
            .With("denoiser", result.Student)
            .With("metrics", new MetricSet(options.Label ?? context.NodeId, values)));
    }

    private static ITrainableDenoiser Trainable(IDenoiser denoiser, string input, string node) =>
        denoiser as ITrainableDenoiser
        ?? throw new InvalidInputException($"train.distill '{node}': input '{input}' is a {denoiser.GetType().Name}, which cannot be copied into a student; link a trainable denoiser (denoiser.mlp2d, denoiser.unet2d).");
}
