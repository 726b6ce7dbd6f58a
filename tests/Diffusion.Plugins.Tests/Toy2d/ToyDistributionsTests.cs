using Diffusion.Plugins.Toy2d;
using FluentAssertions;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Diffusion.Plugins.Tests.Toy2d;

public sealed class ToyDistributionsTests
{
    private const int Count = 20000;

    [Theory]
    [InlineData(ToyDistributions.TwoMoons)]
    [InlineData(ToyDistributions.SwissRoll)]
    [InlineData(ToyDistributions.EightGaussians)]
    [InlineData(ToyDistributions.Checkerboard)]
    [InlineData(ToyDistributions.GridGaussians)]
    public void Same_seed_gives_the_same_points_and_another_seed_different_ones(string shape)
    {
        var dataset = new Toy2dDataset(new Toy2dDatasetOptions { Shape = shape, Noise = 0.05 });
        using var g1 = new Generator(7, CPU);
        using var g2 = new Generator(7, CPU);
        using var g3 = new Generator(8, CPU);
        var a = dataset.Sample(64, g1).Data;
        var b = dataset.Sample(64, g2).Data;
        var c = dataset.Sample(64, g3).Data;

        a.shape.Should().Equal(64, 2);
        a.dtype.Should().Be(ScalarType.Float32);
        a.Exactly(b).Should().BeTrue();
        a.allclose(c).Should().BeFalse();
    }

    [Fact]
    public void Noise_free_two_moons_lie_on_the_two_unit_half_circles_and_are_centred()
    {
        using var generator = new Generator(1, CPU);
        var (points, labels) = ToyDistributions.Sample(ToyDistributions.TwoMoons, Count, 0, generator);
        var p = points.to_type(ScalarType.Float64) + tensor(new[] { 0.5, 0.25 }, dtype: ScalarType.Float64);
        var inner = labels!.eq(1);

        // Outer moon: unit circle around the origin, upper half; inner: unit circle around (1, 0.5), lower half.
        var outerRadius = p[~inner].norm(1);
        var innerRadius = (p[inner] - tensor(new[] { 1.0, 0.5 }, dtype: ScalarType.Float64)).norm(1);
        outerRadius.sub(1).abs().max().item<double>().Should().BeLessThan(1e-5);
        innerRadius.sub(1).abs().max().item<double>().Should().BeLessThan(1e-5);
        p[~inner][.., 1].min().item<double>().Should().BeGreaterThanOrEqualTo(-1e-6);
        p[inner][.., 1].max().item<double>().Should().BeLessThanOrEqualTo(0.5 + 1e-6);

        // θ ~ U[0, π] and a fair coin make the documented centre the exact mean.
        points.mean([0]).abs().max().item<float>().Should().BeLessThan(0.02f);
        inner.to_type(ScalarType.Float64).mean().item<double>().Should().BeApproximately(0.5, 0.02);
    }

    [Fact]
    public void Eight_gaussians_have_the_documented_centres_labels_and_std()
    {
        using var generator = new Generator(2, CPU);
        var (points, labels) = ToyDistributions.Sample(ToyDistributions.EightGaussians, Count, ToyDistributions.EightGaussiansStd, generator);
        var angle = labels!.to_type(ScalarType.Float64) * (2 * Math.PI / 8);
        var centres = 2.0 * stack([cos(angle), sin(angle)], 1);
        var offsets = points.to_type(ScalarType.Float64) - centres;

        offsets.mean([0]).abs().max().item<double>().Should().BeLessThan(0.005);
        offsets.std().item<double>().Should().BeApproximately(0.1, 0.003);
        bincount(labels).to_type(ScalarType.Float64).div(Count).sub(1.0 / 8).abs().max().item<double>().Should().BeLessThan(0.01);
        new Toy2dDataset(new Toy2dDatasetOptions { Shape = ToyDistributions.EightGaussians }).Info.NumClasses.Should().Be(8);
    }

    [Fact]
    public void Checkerboard_fills_exactly_the_even_cells_uniformly()
    {
        using var generator = new Generator(3, CPU);
        var (points, labels) = ToyDistributions.Sample(ToyDistributions.Checkerboard, Count, 0, generator);
        var cellSum = floor(points[.., 0]) + floor(points[.., 1]);

        labels.Should().BeNull();
        remainder(cellSum, 2).abs().max().item<float>().Should().Be(0);
        points.abs().max().item<float>().Should().BeLessThanOrEqualTo(2f);
        points.mean([0]).abs().max().item<float>().Should().BeLessThan(0.03f);

        // Uniform on 8 unit cells of [-2, 2]²: each coordinate is uniform on [-2, 2], variance 16/12.
        points.var([0]).sub(4.0 / 3).abs().max().item<float>().Should().BeLessThan(0.03f);
    }

    [Fact]
    public void Noise_free_swiss_roll_points_are_t_times_the_unit_vector_at_angle_t()
    {
        using var generator = new Generator(4, CPU);
        var (points, _) = ToyDistributions.Sample(ToyDistributions.SwissRoll, 2000, 0, generator);
        var p = points.to_type(ScalarType.Float64) * 5;
        var t = p.norm(1);
        t.min().item<double>().Should().BeGreaterThanOrEqualTo((1.5 * Math.PI) - 1e-4);
        t.max().item<double>().Should().BeLessThanOrEqualTo((4.5 * Math.PI) + 1e-4);
        (stack([t * cos(t), t * sin(t)], 1) - p).abs().max().item<double>().Should().BeLessThan(1e-3);
    }

    [Fact]
    public void Unknown_shape_is_rejected_with_the_choices()
    {
        var act = () => new Toy2dDataset(new Toy2dDatasetOptions { Shape = "spiral" });
        act.Should().Throw<ArgumentException>().WithMessage("*spiral*two_moons*");
    }
}
