using Diffusion.Contracts;

namespace Diffusion.Plugins.Analytic;

/// <summary><c>denoiser.gaussian_mixture</c>: the exact denoiser of a Gaussian mixture under the linked scheduler.</summary>
internal sealed class GaussianMixtureDenoiserNode : NodeType<GaussianMixtureDenoiserOptions>
{
    protected override string Name => "denoiser.gaussian_mixture";

    protected override string Category => "models";

    protected override string Description => "Closed-form denoiser (score, epsilon, x0 or v) of a Gaussian mixture under the linked scheduler: sampler tests without network error.";

    protected override IReadOnlyList<PortDescriptor> Inputs => [new("scheduler", PortType.Scheduler, "The schedule whose marginal (alpha_t, sigma_t) defines p_t.")];

    protected override IReadOnlyList<PortDescriptor> Outputs => [new("denoiser", PortType.Denoiser, "The exact mixture denoiser.")];

    protected override IEnumerable<ValidationIssue> ValidateOptions(GaussianMixtureDenoiserOptions options, NodeValidationContext context) =>
        GaussianMixture.Problems(options).Select(p => context.ParamIssue(p.Param, p.Message));

    protected override Task<NodeOutputs> ExecuteAsync(INodeExecutionContext context, GaussianMixtureDenoiserOptions options)
    {
        var scheduler = context.GetInput<IScheduler>("scheduler");
        var prediction = options.Prediction switch
        {
            "epsilon" => PredictionType.Epsilon,
            "score" => PredictionType.Score,
            "sample" => PredictionType.Sample,
            "v_prediction" => PredictionType.VPrediction,
            _ => throw new ArgumentException($"Node '{context.NodeId}': prediction must be epsilon, score, sample or v_prediction, got '{options.Prediction}'."),
        };
        TimeInput? timeInput = options.TimeInput switch
        {
            "auto" => null,
            "timestep" => TimeInput.Timestep,
            "sigma" => TimeInput.Sigma,
            "continuous_time" => TimeInput.ContinuousTime,
            _ => throw new ArgumentException($"Node '{context.NodeId}': time_input must be auto, timestep, sigma or continuous_time, got '{options.TimeInput}'."),
        };
        var denoiser = new GaussianMixtureDenoiser(GaussianMixture.FromParams(options), scheduler, prediction, timeInput);
        return Task.FromResult(NodeOutputs.Of("denoiser", denoiser));
    }
}
