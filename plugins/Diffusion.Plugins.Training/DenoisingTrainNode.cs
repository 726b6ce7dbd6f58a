using Diffusion.Contracts;
using Microsoft.Extensions.Logging;

namespace Diffusion.Plugins.Training;

/// <summary><c>train.denoising</c>: trains a replicate of a trainable denoiser on a dataset (see <see cref="DenoisingTrainer"/>).</summary>
public sealed class DenoisingTrainNode : NodeType<DenoisingTrainOptions>
{
    /// <inheritdoc />
    protected override string Name => "train.denoising";

    /// <inheritdoc />
    protected override string Category => "training";

    /// <inheritdoc />
    protected override string Description => "Trains a denoiser (ε, v, x0 or σ²-weighted score loss by its prediction type) with AdamW, a constant or warm-up + cosine learning rate, EMA, gradient clipping, label dropout and resumable checkpoints.";

    /// <inheritdoc />
    protected override bool HasSideEffects => false;

    /// <inheritdoc />
    protected override IReadOnlyList<PortDescriptor> Inputs =>
    [
        new("data", PortType.Dataset, "Training data."),
        new("denoiser", PortType.Denoiser, "The network to train (must be trainable); it is copied, never changed."),
        new("scheduler", PortType.Scheduler, "The noise schedule that sets training times and the marginal."),
    ];

    /// <inheritdoc />
    protected override IReadOnlyList<PortDescriptor> Outputs =>
    [
        new("denoiser", PortType.Denoiser, "The EMA network when ema_decay > 0, else the trained network."),
        new("metrics", PortType.Metrics, "loss (last step), loss_avg (mean of the last 100 steps), it_per_s, steps, seconds."),
    ];

    /// <inheritdoc />
    protected override IEnumerable<ValidationIssue> ValidateOptions(DenoisingTrainOptions options, NodeValidationContext context)
    {
        if (options.Betas.Length != 2 || options.Betas.Any(b => b < 0 || b >= 1))
        {
            yield return context.ParamIssue("betas", "betas must be two numbers in [0, 1), e.g. [0.9, 0.999].");
        }

        if (options.CheckpointEvery > 0 && string.IsNullOrEmpty(options.CheckpointPath))
        {
            yield return context.ParamIssue("checkpoint_every", "checkpoint_every needs checkpoint_path.");
        }

        if (options.LrWarmupSteps < 0 || options.LrWarmupSteps > options.Steps)
        {
            yield return context.ParamIssue("lr_warmup_steps", $"lr_warmup_steps ({options.LrWarmupSteps}) must be between 0 and steps ({options.Steps}); lower it or raise steps.");
        }

        if (!(options.LrMinRatio is >= 0 and <= 1))
        {
            yield return context.ParamIssue("lr_min_ratio", $"lr_min_ratio ({options.LrMinRatio}) is a fraction of lr and must be in [0, 1], e.g. 0.05 to decay to 5% of lr.");
        }
    }

    /// <inheritdoc />
    protected override ResourceEstimate? Estimate(DenoisingTrainOptions options, NodeValidationContext context)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(context);
        // One element per sample when neither the network nor the data declares a shape (a lower bound, so a run that
        // fits is never refused). A step holds the batch, its noise, the noisy input, the target and the prediction,
        // and backpropagation keeps activations of the same order per layer: 16 copies is a floor, not a ceiling.
        long perSample = ComponentTraits.SampleElements(context, "denoiser") ?? ComponentTraits.SampleElements(context, "data") ?? 1;
        return new ResourceEstimate(ResourceEstimate.Times(options.Batch, perSample, 16), options.Steps,
            $"batch {options.Batch} of {perSample} elements per sample, {options.Steps} steps")
        {
            ElementsParam = "batch",
            CallsParam = "steps",
        };
    }

    /// <inheritdoc />
    protected override Task<NodeOutputs> ExecuteAsync(INodeExecutionContext context, DenoisingTrainOptions options)
    {
        var data = context.GetInput<IDataset>("data");
        var scheduler = context.GetInput<IScheduler>("scheduler");
        var linked = context.GetInput<IDenoiser>("denoiser");
        if (linked is not ITrainableDenoiser denoiser)
        {
            throw new ArgumentException($"train.denoising '{context.NodeId}': input 'denoiser' is a {linked.GetType().Name}, which cannot be trained; link a trainable denoiser such as denoiser.mlp2d.");
        }

        var environment = new DenoisingTrainer.Environment
        {
            Device = context.Run.Device,
            DType = context.Run.DType,
            Progress = context.Progress,
            CancellationToken = context.CancellationToken,
            Logger = context.Logger,
            // Null means none; "" is refused by validation and by the resolvers (an empty path is not "no file").
            CheckpointPath = options.CheckpointPath is null ? null : context.ResolveOutputPath(options.CheckpointPath),
            ResumePath = options.Resume is null ? null : context.ResolveInputPath(options.Resume),
            Label = $"train.denoising '{context.NodeId}'",
        };
        var result = new DenoisingTrainer(options).Train(data, denoiser, scheduler, environment);
        var losses = result.Losses;
        var tail = losses.Skip(Math.Max(0, losses.Count - 100)).ToList();
        var values = new Dictionary<string, double>(StringComparer.Ordinal)
        {
            ["loss"] = losses.Count > 0 ? losses[^1] : double.NaN,
            ["loss_avg"] = tail.Count > 0 ? tail.Average() : double.NaN,
            ["it_per_s"] = result.IterationsPerSecond,
            ["steps"] = result.FirstStep + losses.Count,
            ["seconds"] = result.Seconds,
        };
        context.Logger.LogInformation("{Node}: {Steps} steps in {Seconds:F1} s ({ItPerS:F0} it/s), final loss {Loss:F4} (last-100 mean {LossAvg:F4}).", context.NodeId, values["steps"], values["seconds"], values["it_per_s"], values["loss"], values["loss_avg"]);
        return Task.FromResult(new NodeOutputs()
            .With("denoiser", result.Denoiser)
            .With("metrics", new MetricSet(options.Label ?? context.NodeId, values)));
    }
}
