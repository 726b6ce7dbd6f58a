namespace Diffusion.Plugins.Analytic;

/// <summary>The params that define a Gaussian mixture, shared by the dataset and the denoiser node.</summary>
public interface IGaussianMixtureParams
{
    /// <summary><c>none</c> or <c>eight_gaussians</c>.</summary>
    string Preset { get; }

    /// <summary>Component means [K][d].</summary>
    double[][]? Means { get; }

    /// <summary>Component covariances [K][d][d].</summary>
    double[][][]? Covariances { get; }

    /// <summary>One isotropic standard deviation for all components.</summary>
    double? Std { get; }

    /// <summary>An isotropic standard deviation per component.</summary>
    double[]? Stds { get; }

    /// <summary>Component weights (normalised on use).</summary>
    double[]? Weights { get; }

    /// <summary>Radius of the eight_gaussians circle.</summary>
    double Radius { get; }
}
