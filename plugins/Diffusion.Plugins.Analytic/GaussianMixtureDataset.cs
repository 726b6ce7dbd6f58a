using Diffusion.Contracts;
using TorchSharp;

namespace Diffusion.Plugins.Analytic;

/// <summary>
/// Exact draws from a Gaussian mixture (the same distribution <see cref="GaussianMixtureDenoiser"/> denoises), labelled
/// with their component, so evaluations can compare samplers against fresh true samples.
/// </summary>
public sealed class GaussianMixtureDataset : IDataset
{
    /// <summary>Creates the dataset.</summary>
    public GaussianMixtureDataset(GaussianMixture mixture, string name = "gaussian_mixture")
    {
        ArgumentNullException.ThrowIfNull(mixture);
        Mixture = mixture;
        Info = new DatasetInfo(name, [mixture.Dimension], Count: null, NumClasses: mixture.Count);
    }

    /// <summary>The distribution.</summary>
    public GaussianMixture Mixture { get; }

    /// <inheritdoc />
    public DatasetInfo Info { get; }

    /// <summary>A fresh batch (float32 [batch, d]) with component labels; draws the components, then the normal noise.</summary>
    public DataBatch Sample(int batchSize, torch.Generator generator)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        ArgumentNullException.ThrowIfNull(generator);
        using var scope = torch.NewDisposeScope();
        var (x, labels) = Mixture.Sample(batchSize, generator);
        return new DataBatch(x.to_type(torch.ScalarType.Float32).MoveToOuterDisposeScope(), labels.MoveToOuterDisposeScope());
    }
}
