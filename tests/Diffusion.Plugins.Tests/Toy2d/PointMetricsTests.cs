using System.Text.Json.Nodes;
using Diffusion.Contracts;
using Diffusion.Plugins.Tests.Infrastructure;
using Diffusion.Plugins.Toy2d;
using FluentAssertions;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Diffusion.Plugins.Tests.Toy2d;

public sealed class PointMetricsTests
{
    [Fact]
    public void Sliced_wasserstein_of_a_translation_is_its_length_over_root_two()
    {
        // For Y = X + d every 1-D projection shifts by θ·d, so SW₂² = E_θ[(θ·d)²] = |d|²/2 in 2-D.
        using var generator = new Generator(5, CPU);
        var x = randn([500, 2], generator: generator);
        var d = tensor(new[] { 0.3f, -0.4f });
        var projections = PointMetrics.RandomProjections(20000, 2, generator);

        PointMetrics.SlicedWasserstein(x, x + d, projections).Should().BeApproximately(0.5 / Math.Sqrt(2), 0.01);
        PointMetrics.SlicedWasserstein(x, x, projections).Should().Be(0);
    }

    [Fact]
    public void Unbiased_mmd_matches_a_hand_computed_case()
    {
        var x = tensor(new[,] { { 0.0, 0.0 }, { 1.0, 0.0 } });
        var y = tensor(new[,] { { 0.0, 1.0 }, { 1.0, 1.0 } });

        // Within-set pairs are 1 apart (k = e^{-1/2}); cross pairs 1, √2, √2, 1 apart: e^{-1/2} − (2e^{-1/2} + 2e^{-1})/2.
        PointMetrics.MmdSquared(x, y, [1.0]).Should().BeApproximately(Math.Exp(-0.5) - Math.Exp(-1), 1e-12);
    }

    [Fact]
    public void Eval_points_is_near_its_floor_for_true_samples_and_far_above_for_shifted_ones()
    {
        var dataset = new Toy2dDataset(new Toy2dDatasetOptions { Shape = ToyDistributions.TwoMoons });
        using var generator = new Generator(99, CPU);
        var truth = dataset.Sample(1000, generator).Data;
        var shifted = truth + tensor(new[] { 0.5f, 0f });

        var same = Evaluate(truth, dataset);
        var off = Evaluate(shifted, dataset);

        same.Label.Should().Be("eval");
        same.Values["swd_floor"].Should().BeInRange(0.005, 0.1);
        same.Values["swd"].Should().BeLessThan(2 * same.Values["swd_floor"]);
        Math.Abs(same.Values["mmd"]).Should().BeLessThan(0.01);
        Math.Abs(same.Values["mmd_floor"]).Should().BeLessThan(0.01);
        off.Values["swd"].Should().BeGreaterThan(5 * off.Values["swd_floor"]);
        off.Values["mmd"].Should().BeGreaterThan(20 * Math.Abs(off.Values["mmd_floor"]) + 0.05);
        off.Values["swd_floor"].Should().Be(same.Values["swd_floor"], "the floor depends only on the seed");
    }

    private static MetricSet Evaluate(Tensor samples, IDataset dataset)
    {
        using var context = new TestNodeContext("eval", new JsonObject { ["seed"] = 3, ["projections"] = 128 })
            .WithInput("samples", samples)
            .WithInput("dataset", dataset);
        var outputs = new EvalPointsNode().ExecuteAsync(context).GetAwaiter().GetResult();
        return (MetricSet)outputs.Values["metrics"];
    }
}
