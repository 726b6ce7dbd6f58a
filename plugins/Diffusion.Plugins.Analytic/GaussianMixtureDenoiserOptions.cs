using Diffusion.Contracts;

namespace Diffusion.Plugins.Analytic;

/// <summary>
/// Params of <c>denoiser.gaussian_mixture</c>: the mixture (as in <see cref="GaussianMixtureOptions"/>) plus what the
/// exact denoiser outputs and how it reads its time argument.
/// </summary>
public sealed record GaussianMixtureDenoiserOptions : IGaussianMixtureParams
{
    /// <inheritdoc />
    [Param("A predefined mixture: none (give means) or eight_gaussians (8 components on a circle).", Choices = ["none", "eight_gaussians"])]
    public string Preset { get; init; } = "none";

    /// <inheritdoc />
    [Param("Component means, one array of d numbers per component (preset none).")]
    public double[][]? Means { get; init; }

    /// <inheritdoc />
    [Param("Component covariances, one d x d array per component (instead of std/stds).")]
    public double[][][]? Covariances { get; init; }

    /// <inheritdoc />
    [Param("One isotropic standard deviation for every component (eight_gaussians: 0.1 when absent).", Min = 0)]
    public double? Std { get; init; }

    /// <inheritdoc />
    [Param("Isotropic standard deviation per component (instead of std).")]
    public double[]? Stds { get; init; }

    /// <inheritdoc />
    [Param("Component weights (normalised; uniform when absent).")]
    public double[]? Weights { get; init; }

    /// <inheritdoc />
    [Param("Radius of the eight_gaussians circle.", Min = 0)]
    public double Radius { get; init; } = 2.0;

    /// <summary>What the denoiser outputs.</summary>
    [Param("What the denoiser outputs: epsilon, score, sample (x0) or v_prediction.", Choices = ["epsilon", "score", "sample", "v_prediction"])]
    public string Prediction { get; init; } = "epsilon";

    /// <summary>How the time argument is read; auto = timestep for discrete schedules, continuous_time for SDEs.</summary>
    [Param("Time argument: auto (timestep for discrete schedules, continuous_time for SDEs), timestep, sigma (sigma_t/alpha_t) or continuous_time.", Choices = ["auto", "timestep", "sigma", "continuous_time"])]
    public string TimeInput { get; init; } = "auto";
}
