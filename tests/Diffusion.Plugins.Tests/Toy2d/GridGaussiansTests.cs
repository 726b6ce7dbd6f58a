using System.Text.Json.Nodes;
using Diffusion.Contracts;
using Diffusion.Plugins.Toy2d;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Plugins.Tests.Toy2d;

public sealed class GridGaussiansTests
{
    [Fact]
    public void Points_sit_on_the_25_unit_spaced_centres_of_their_labels_with_the_component_std()
    {
        using var generator = new Generator(3, CPU);
        var (points, labels) = ToyDistributions.Sample(ToyDistributions.GridGaussians, 50_000, 0.05, generator);

        // Label k = 5 i + j has centre (i − 2, j − 2).
        var k = labels!.to_type(ScalarType.Float64);
        var centres = stack([(k / 5).floor() - 2, k - (5 * (k / 5).floor()) - 2], 1);
        var offsets = points.to_type(ScalarType.Float64) - centres;
        offsets.mean().item<double>().Should().BeApproximately(0, 0.002);
        offsets.std().item<double>().Should().BeApproximately(0.05, 0.001);
        labels.bincount(null, 25).to_type(ScalarType.Float64).div(50_000).sub(0.04).abs().max().item<double>().Should().BeLessThan(0.005);
        new Toy2dDataset(new Toy2dDatasetOptions { Shape = ToyDistributions.GridGaussians }).Info.NumClasses.Should().Be(25);
    }

    [Fact]
    public void Eval_modes_counts_all_25_modes_of_true_grid_points_and_one_when_collapsed()
    {
        using var generator = new Generator(5, CPU);
        var (points, _) = ToyDistributions.Sample(ToyDistributions.GridGaussians, 5000, 0.05, generator);
        var centres = new EvalModesOptions { Preset = EvalModesOptions.GridGaussiansPreset }.ResolveCentres();

        ModeCoverage.Measure(points, centres, 0.25).ModesFound.Should().Be(25);
        ModeCoverage.Measure(points, centres, 0.25).OffMode.Should().BeLessThan(0.001);
        ModeCoverage.Measure(zeros(100, 2) + tensor(new[] { 1f, -2f }), centres, 0.25).ModesFound.Should().Be(1);
        centres[7, 0].Should().Be(-1);
        centres[7, 1].Should().Be(0);
    }

    [Fact]
    public void The_grid_preset_with_explicit_centres_is_refused()
    {
        var issues = new EvalModesNode().Validate(new NodeValidationContext("modes", new JsonObject { ["preset"] = "grid_gaussians", ["centres"] = new JsonArray(new JsonArray(0, 0)) }, "."));

        issues.Should().ContainSingle().Which.Message.Should().Contain("grid_gaussians");
    }
}
