using Diffusion.Contracts;
using Microsoft.Extensions.Logging;

namespace Diffusion.Plugins.GanHybrid;

/// <summary><c>train.ddgan</c>: adversarial training of a DDGAN generator (see <see cref="DdganTrainer"/>).</summary>
public sealed class DdganTrainNode : NodeType<DdganTrainOptions>
{
    /// <inheritdoc />
    protected override string Name => "train.ddgan";

    /// <inheritdoc />
    protected override string Category => "training";

    /// <inheritdoc />
    protected override string Description => "Trains a Denoising Diffusion GAN (Xiao et al. 2022): a time-conditioned discriminator on (x_{t-1}, x_t) pairs, non-saturating GAN losses, R1 on real pairs, Adam, generator EMA and resumable checkpoints. Outputs the generator as a denoiser and its scheduler.";

    /// <inheritdoc />
    protected override IReadOnlyList<PortDescriptor> Inputs =>
    [
        new("data", PortType.Dataset, "Training data."),
        new("generator", PortType.Denoiser, "The generator to train (denoiser.ddgan); it is copied, never changed."),
        new("scheduler", PortType.Scheduler, "The T-level chain (scheduler.ddgan)."),
    ];

    /// <inheritdoc />
    protected override IReadOnlyList<PortDescriptor> Outputs =>
    [
        new("denoiser", PortType.Denoiser, "The EMA generator when ema_decay > 0, else the trained generator (predicts sample; sample it with sampler.ddgan)."),
        new("scheduler", PortType.Scheduler, "The linked scheduler, passed on so samplers use the chain the generator learned."),
        new("metrics", PortType.Metrics, "loss_d, loss_g (last step), loss_d_avg, loss_g_avg (last 100 steps), it_per_s, steps, seconds."),
    ];

    /// <inheritdoc />
    protected override IReadOnlyDictionary<string, IReadOnlySet<string>> OutputTraits(DdganTrainOptions options, NodeValidationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var traits = new Dictionary<string, IReadOnlySet<string>> { ["denoiser"] = ComponentTraits.OfPrediction(PredictionType.Sample) };
        if (context.LinksOf("scheduler").FirstOrDefault() is { } scheduler)
        {
            traits["scheduler"] = scheduler.Traits;
        }

        return traits;
    }

    /// <inheritdoc />
    protected override IEnumerable<ValidationIssue> ValidateOptions(DdganTrainOptions options, NodeValidationContext context)
    {
        if (options.Betas.Length != 2 || options.Betas.Any(b => b < 0 || b >= 1))
        {
            yield return context.ParamIssue("betas", "betas must be two numbers in [0, 1), e.g. [0.5, 0.9].");
        }

        if (options.CheckpointEvery > 0 && options.CheckpointPath is null)
        {
            yield return context.ParamIssue("checkpoint_every", "checkpoint_every needs checkpoint_path.");
        }

        if (options.DiscEmbeddingDim % 2 != 0)
        {
            yield return context.ParamIssue("disc_embedding_dim", $"disc_embedding_dim must be even, got {options.DiscEmbeddingDim}.");
        }

        if (options.LrG <= 0 || options.LrD <= 0)
        {
            yield return context.ParamIssue(options.LrG <= 0 ? "lr_g" : "lr_d", "learning rates must be above 0 (a GAN with a frozen player does not train).");
        }
    }

    /// <inheritdoc />
    protected override Task<NodeOutputs> ExecuteAsync(INodeExecutionContext context, DdganTrainOptions options)
    {
        var data = context.GetInput<IDataset>("data");
        var scheduler = context.GetInput<IScheduler>("scheduler");
        var linked = context.GetInput<IDenoiser>("generator");
        if (linked is not DdganGenerator generator)
        {
            throw new InvalidInputException($"train.ddgan '{context.NodeId}': input 'generator' is a {linked.GetType().Name}; link a denoiser.ddgan generator (it draws its own latent z).");
        }

        if (scheduler.AlphasCumprod.Count == 0)
        {
            throw new InvalidInputException($"train.ddgan '{context.NodeId}': the scheduler has no discrete ᾱ table; link scheduler.ddgan.");
        }

        var environment = new DdganTrainer.Environment
        {
            Device = context.Run.Device,
            Progress = context.Progress,
            CancellationToken = context.CancellationToken,
            Logger = context.Logger,
            CheckpointPath = options.CheckpointPath is null ? null : context.ResolveOutputPath(options.CheckpointPath),
            ResumePath = options.Resume is null ? null : context.ResolveInputPath(options.Resume),
            Label = $"train.ddgan '{context.NodeId}'",
        };
        var result = new DdganTrainer(options).Train(data, generator, scheduler, environment);
        double Last(IReadOnlyList<double> values) => values.Count > 0 ? values[^1] : double.NaN;
        double Tail(IReadOnlyList<double> values) => values.Count > 0 ? values.Skip(Math.Max(0, values.Count - 100)).Average() : double.NaN;
        var count = result.GeneratorLosses.Count;
        var values = new Dictionary<string, double>(StringComparer.Ordinal)
        {
            ["loss_d"] = Last(result.DiscriminatorLosses),
            ["loss_g"] = Last(result.GeneratorLosses),
            ["loss_d_avg"] = Tail(result.DiscriminatorLosses),
            ["loss_g_avg"] = Tail(result.GeneratorLosses),
            ["it_per_s"] = result.Seconds > 0 ? count / result.Seconds : 0,
            ["steps"] = result.FirstStep + count,
            ["seconds"] = result.Seconds,
        };
        context.Logger.LogInformation("{Node}: {Steps} steps in {Seconds:F1} s, D loss {LossD:F3}, G loss {LossG:F3} (last-100 means).", context.NodeId, values["steps"], values["seconds"], values["loss_d_avg"], values["loss_g_avg"]);
        return Task.FromResult(new NodeOutputs()
            .With("denoiser", result.Generator)
            .With("scheduler", scheduler)
            .With("metrics", new MetricSet(options.Label ?? context.NodeId, values)));
    }
}
