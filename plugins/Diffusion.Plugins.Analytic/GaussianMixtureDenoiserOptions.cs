using Diffusion.Contracts;

namespace Diffusion.Plugins.Analytic;

/// <summary>
/// Params of <c>denoiser.gaussian_mixture</c>: the mixture (as in <see cref="GaussianMixtureOptions"/>) plus what the
/// exact denoiser outputs and how it reads its time argument.
/// </summary>
public sealed record GaussianMixtureDenoiserOptions : GaussianMixtureOptions
{
    [Param("What the denoiser outputs: epsilon, score, sample (x0) or v_prediction.")]
    public PredictionType Prediction { get; init; } = PredictionType.Epsilon;

    [Param("Time argument: timestep, sigma (sigma_t/alpha_t) or continuous_time; null: timestep for discrete schedules, continuous_time for SDEs.")]
    public TimeInput? TimeInput { get; init; }
}
