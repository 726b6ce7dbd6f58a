using Diffusion.Contracts;
using Diffusion.Sdk;

namespace Diffusion.Plugins.Distillation;

/// <summary><c>denoiser.consistency</c>: wraps a loaded network (e.g. a train.consistency checkpoint loaded by denoiser.unet2d) as a consistency model.</summary>
public sealed class ConsistencyDenoiserNode : NodeType<ConsistencyDenoiserOptions>
{
    /// <inheritdoc />
    protected override string Name => "denoiser.consistency";

    /// <inheritdoc />
    protected override string Category => "networks";

    /// <inheritdoc />
    protected override string Description => "A consistency model f(x, σ) = c_skip x + c_out F from a network trained by train.consistency (loaded by its own node from the checkpoint, which holds θ⁻ as ema.); sample with sampler.consistency.";

    /// <inheritdoc />
    protected override IReadOnlyList<PortDescriptor> Inputs =>
    [
        new("network", PortType.Denoiser, "The trained network (denoiser.mlp2d / denoiser.unet2d with the train.consistency checkpoint)."),
        new("scheduler", PortType.Scheduler, "The discrete schedule it was trained on (σ range and σ → t)."),
    ];

    /// <inheritdoc />
    protected override IReadOnlyList<PortDescriptor> Outputs => [new("denoiser", PortType.Denoiser, "The consistency model (predicts sample, takes σ).")];

    /// <inheritdoc />
    protected override IReadOnlyDictionary<string, IReadOnlySet<string>> OutputTraits(ConsistencyDenoiserOptions options, NodeValidationContext context) =>
        new Dictionary<string, IReadOnlySet<string>> { ["denoiser"] = ComponentTraits.OfPrediction(PredictionType.Sample) };

    /// <inheritdoc />
    protected override IEnumerable<ValidationIssue> ValidateOptions(ConsistencyDenoiserOptions options, NodeValidationContext context)
    {
        if (options.SigmaMin is <= 0)
        {
            yield return context.ParamIssue("sigma_min", "sigma_min must be above 0 (or null for the scheduler's smallest σ).");
        }

        if (!(options.SigmaData > 0))
        {
            yield return context.ParamIssue("sigma_data", "sigma_data must be above 0.");
        }
    }

    /// <inheritdoc />
    protected override Task<NodeOutputs> ExecuteAsync(INodeExecutionContext context, ConsistencyDenoiserOptions options)
    {
        var network = context.GetInput<IDenoiser>("network");
        var scheduler = context.GetInput<IScheduler>("scheduler");
        double sigmaMin = options.SigmaMin ?? DiscreteSigmas.From(scheduler, $"denoiser.consistency '{context.NodeId}'").SigmaMin;
        return Task.FromResult(NodeOutputs.Of("denoiser", new ConsistencyDenoiser(network, scheduler, sigmaMin, options.SigmaData)));
    }
}
