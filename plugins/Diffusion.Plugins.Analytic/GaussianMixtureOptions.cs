using Diffusion.Contracts;

namespace Diffusion.Plugins.Analytic;

/// <summary>
/// Params of <c>dataset.gaussian_mixture</c>: the mixture Σ_k w_k N(μ_k, Σ_k) in d dimensions, given explicitly or by a
/// preset. Preset <c>eight_gaussians</c>: 8 equally weighted components centred at radius · (cos 2πk/8, sin 2πk/8),
/// k = 0..7 (radius 2 by default), isotropic standard deviation <c>std</c> (0.1 by default). The denoiser's params
/// (<see cref="GaussianMixtureDenoiserOptions"/>) extend these, so both nodes describe a mixture the same way.
/// </summary>
public record GaussianMixtureOptions
{
    [Param("A predefined mixture: none (give means) or eight_gaussians (8 components on a circle).", Choices = ["none", "eight_gaussians"])]
    public string Preset { get; init; } = "none";

    [Param("Component means, one array of d numbers per component (preset none).")]
    public double[][]? Means { get; init; }

    [Param("Component covariances, one d x d array per component (instead of std/stds).")]
    public double[][][]? Covariances { get; init; }

    [Param("One isotropic standard deviation for every component (eight_gaussians: 0.1 when absent).", Min = 0)]
    public double? Std { get; init; }

    [Param("Isotropic standard deviation per component (instead of std).")]
    public double[]? Stds { get; init; }

    [Param("Component weights (normalised; uniform when absent).")]
    public double[]? Weights { get; init; }

    [Param("Radius of the eight_gaussians circle.", Min = 0)]
    public double Radius { get; init; } = 2.0;
}
