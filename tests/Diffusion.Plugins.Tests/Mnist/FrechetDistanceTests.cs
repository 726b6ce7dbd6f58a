using Diffusion.Plugins.Mnist;
using static TorchSharp.torch;

namespace Diffusion.Plugins.Tests.Mnist;

public sealed class FrechetDistanceTests
{
    [Fact]
    public void Identical_feature_sets_are_at_distance_zero()
    {
        var features = randn(500, 16, generator: new Generator(3, CPU)).matmul(randn(16, 16, generator: new Generator(4, CPU)));

        FrechetDistance.Compute(features, features.clone()).Should().BeApproximately(0, 1e-6);
    }

    [Fact]
    public void A_shift_by_c_adds_its_squared_length()
    {
        // Same covariance, means differing by c: d² = |c|² (the trace term vanishes).
        var features = randn(400, 8, generator: new Generator(5, CPU));
        var shift = full(8, 0.5f);

        FrechetDistance.Compute(features, features + shift).Should().BeApproximately(8 * 0.25, 1e-6);
    }

    [Fact]
    public void Scaled_gaussians_match_the_closed_form()
    {
        // Σ₁ = I, Σ₂ = 4I (d = 4): d² = tr(I + 4I − 2·2I) = d·(1 + 4 − 4) = 4, up to sampling noise.
        var a = randn(20000, 4, ScalarType.Float64, generator: new Generator(6, CPU));
        var b = 2 * randn(20000, 4, ScalarType.Float64, generator: new Generator(7, CPU));

        FrechetDistance.Compute(a, b).Should().BeApproximately(4, 0.15);
    }
}
