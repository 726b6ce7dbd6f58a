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

    protected override IReadOnlyDictionary<string, IReadOnlySet<string>> OutputTraits(GaussianMixtureDenoiserOptions options, NodeValidationContext context) =>
        new Dictionary<string, IReadOnlySet<string>>
        {
            ["denoiser"] = new HashSet<string>(ComponentTraits.OfPrediction(options.Prediction), StringComparer.Ordinal)
            {
                ComponentTraits.OfSampleShape([GaussianMixture.FromParams(options).Dimension]),
            },
        };

    protected override Task<NodeOutputs> ExecuteAsync(INodeExecutionContext context, GaussianMixtureDenoiserOptions options)
    {
        var scheduler = context.GetInput<IScheduler>("scheduler");
        var denoiser = new GaussianMixtureDenoiser(GaussianMixture.FromParams(options), scheduler, options.Prediction, options.TimeInput);
        return Task.FromResult(NodeOutputs.Of("denoiser", denoiser));
    }
}
