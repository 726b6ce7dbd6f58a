using Diffusion.Plugins.Analytic;
using TorchSharp;

namespace Diffusion.Plugins.Tests.Analytic;

/// <summary>Statistics of 2-D samples against a Gaussian mixture: mode weights by nearest centre, mean and covariance.</summary>
internal static class MixtureChecks
{
    /// <summary>Fraction of samples whose nearest centre is component k, for each k.</summary>
    public static double[] ModeWeights(torch.Tensor samples, GaussianMixture mixture)
    {
        var points = Points(samples);
        var counts = new double[mixture.Count];
        foreach (var p in points)
        {
            counts[Nearest(p, mixture).Index]++;
        }

        return [.. counts.Select(c => c / points.Length)];
    }

    /// <summary>Fraction of samples within <paramref name="radius"/> of their nearest centre (sharp modes, no stragglers).</summary>
    public static double FractionNearModes(torch.Tensor samples, GaussianMixture mixture, double radius) =>
        Points(samples).Count(p => Nearest(p, mixture).Distance <= radius) / (double)samples.shape[0];

    /// <summary>Sample mean [d] and covariance [d*d] (row-major).</summary>
    public static (double[] Mean, double[] Covariance) Moments(torch.Tensor samples)
    {
        var points = Points(samples);
        int d = points[0].Length;
        var mean = new double[d];
        foreach (var p in points)
        {
            for (int i = 0; i < d; i++)
            {
                mean[i] += p[i] / points.Length;
            }
        }

        var cov = new double[d * d];
        foreach (var p in points)
        {
            for (int i = 0; i < d; i++)
            {
                for (int j = 0; j < d; j++)
                {
                    cov[(i * d) + j] += (p[i] - mean[i]) * (p[j] - mean[j]) / (points.Length - 1);
                }
            }
        }

        return (mean, cov);
    }

    private static double[][] Points(torch.Tensor samples)
    {
        var flat = samples.to_type(torch.ScalarType.Float64).cpu().reshape(samples.shape[0], -1);
        int d = (int)flat.shape[1];
        var data = flat.data<double>().ToArray();
        return [.. Enumerable.Range(0, (int)flat.shape[0]).Select(i => data.AsSpan(i * d, d).ToArray())];
    }

    private static (int Index, double Distance) Nearest(double[] p, GaussianMixture mixture)
    {
        int best = 0;
        double bestDistance = double.MaxValue;
        for (int k = 0; k < mixture.Count; k++)
        {
            double distance = Math.Sqrt(p.Select((v, i) => (v - mixture.Means[k][i]) * (v - mixture.Means[k][i])).Sum());
            if (distance < bestDistance)
            {
                (best, bestDistance) = (k, distance);
            }
        }

        return (best, bestDistance);
    }
}
