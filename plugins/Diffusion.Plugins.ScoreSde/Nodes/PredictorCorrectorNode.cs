using Diffusion.Contracts;
using Diffusion.Sdk;

namespace Diffusion.Plugins.ScoreSde;

/// <summary><c>sampler.pc</c>: predictor-corrector sampling of score SDEs (Song et al. 2021, Algorithms 1–5).</summary>
internal sealed class PredictorCorrectorNode : SamplerNodeType<PredictorCorrectorOptions>
{
    protected override string Name => "sampler.pc";

    protected override string Category => "sampling";

    protected override string Description => "Predictor-corrector sampler for score SDEs (reverse diffusion / Euler-Maruyama predictor, Langevin corrector); needs scheduler.ve, .vp or .subvp.";

    protected override IEnumerable<ValidationIssue> CheckOptions(PredictorCorrectorOptions options, NodeValidationContext context)
    {
        if (options.Predictor == "none" && (options.Corrector == "none" || options.CorrectSteps == 0))
        {
            yield return context.ParamIssue("predictor", "predictor none needs a corrector (corrector langevin with correct_steps >= 1), otherwise nothing is sampled.");
        }
    }

    protected override ISampler Create(PredictorCorrectorOptions options) => new PredictorCorrectorSampler(options);
}
