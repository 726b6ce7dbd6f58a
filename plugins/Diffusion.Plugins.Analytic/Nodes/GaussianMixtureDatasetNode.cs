using Diffusion.Contracts;

namespace Diffusion.Plugins.Analytic;

/// <summary><c>dataset.gaussian_mixture</c>: exact samples of a Gaussian mixture, labelled by component.</summary>
internal sealed class GaussianMixtureDatasetNode : NodeType<GaussianMixtureOptions>
{
    protected override string Name => "dataset.gaussian_mixture";

    protected override string Category => "data";

    protected override string Description => "Fresh exact samples of a Gaussian mixture (labels = component), the distribution denoiser.gaussian_mixture denoises.";

    protected override IReadOnlyList<PortDescriptor> Outputs => [new("dataset", PortType.Dataset, "The mixture as a dataset.")];

    protected override IEnumerable<ValidationIssue> ValidateOptions(GaussianMixtureOptions options, NodeValidationContext context) =>
        GaussianMixture.Problems(options).Select(p => context.ParamIssue(p.Param, p.Message));

    protected override Task<NodeOutputs> ExecuteAsync(INodeExecutionContext context, GaussianMixtureOptions options) =>
        Task.FromResult(NodeOutputs.Of("dataset", new GaussianMixtureDataset(GaussianMixture.FromParams(options), options.Preset == "none" ? "gaussian_mixture" : options.Preset)));
}
