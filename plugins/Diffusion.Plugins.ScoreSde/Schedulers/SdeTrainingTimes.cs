using TorchSharp;

namespace Diffusion.Plugins.ScoreSde;

/// <summary>Training times t ~ U[ε, T] (Song et al. 2021, Eq. 7: the expectation over t is uniform on [0, T]; ε avoids the singular t = 0).</summary>
internal static class SdeTrainingTimes
{
    /// <summary>[batch] float32 times uniform in [ε, T], drawn from <paramref name="generator"/> on the CPU.</summary>
    public static torch.Tensor Uniform(long batch, double epsilon, double end, torch.Generator generator)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batch);
        ArgumentNullException.ThrowIfNull(generator);
        using var scope = torch.NewDisposeScope();
        var u = torch.rand([batch], torch.ScalarType.Float32, torch.CPU, generator: generator);
        return (u * (end - epsilon) + epsilon).MoveToOuterDisposeScope();
    }
}
