using Diffusion.Contracts;

namespace Diffusion.Plugins.ScoreSde;

/// <summary><c>sampler.pc</c>: predictor-corrector sampling of score SDEs (Song et al. 2021, Algorithms 1–5).</summary>
internal sealed class PredictorCorrectorNode : NodeType<PredictorCorrectorOptions>
{
    protected override string Name => "sampler.pc";

    protected override string Category => "sampling";

    protected override string Description => "Predictor-corrector sampler for score SDEs (reverse diffusion / Euler-Maruyama predictor, Langevin corrector); needs scheduler.ve, .vp or .subvp.";

    protected override IReadOnlyList<PortDescriptor> Outputs => [new("sampler", PortType.Sampler, "The predictor-corrector sampler.")];

    protected override IEnumerable<ValidationIssue> ValidateOptions(PredictorCorrectorOptions options, NodeValidationContext context)
    {
        if (options.Predictor == "none" && (options.Corrector == "none" || options.CorrectSteps == 0))
        {
            yield return context.ParamIssue("predictor", "predictor none needs a corrector (corrector langevin with correct_steps >= 1), otherwise nothing is sampled.");
        }
    }

    protected override Task<NodeOutputs> ExecuteAsync(INodeExecutionContext context, PredictorCorrectorOptions options) =>
        Task.FromResult(NodeOutputs.Of("sampler", new PredictorCorrectorSampler(options)));
}
