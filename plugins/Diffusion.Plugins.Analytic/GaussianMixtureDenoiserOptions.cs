using Diffusion.Contracts;

namespace Diffusion.Plugins.Analytic;

/// <summary>
/// Params of <c>denoiser.gaussian_mixture</c>: the mixture (as in <see cref="GaussianMixtureOptions"/>) plus what the
/// exact denoiser outputs and how it reads its time argument.
/// </summary>
public sealed record GaussianMixtureDenoiserOptions : GaussianMixtureOptions
{
    /// <summary>What the denoiser outputs.</summary>
    [Param("What the denoiser outputs: epsilon, score, sample (x0) or v_prediction.", Choices = ["epsilon", "score", "sample", "v_prediction"])]
    public string Prediction { get; init; } = "epsilon";

    /// <summary>How the time argument is read; auto = timestep for discrete schedules, continuous_time for SDEs.</summary>
    [Param("Time argument: auto (timestep for discrete schedules, continuous_time for SDEs), timestep, sigma (sigma_t/alpha_t) or continuous_time.", Choices = ["auto", "timestep", "sigma", "continuous_time"])]
    public string TimeInput { get; init; } = "auto";
}
