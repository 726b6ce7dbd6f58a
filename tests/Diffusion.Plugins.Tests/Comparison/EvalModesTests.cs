using System.Text.Json.Nodes;
using Diffusion.Contracts;
using Diffusion.Plugins.Toy2d;
using FluentAssertions;
using Xunit;
using static TorchSharp.torch;

namespace Diffusion.Plugins.Tests.Comparison;

public sealed class EvalModesTests
{
    private static readonly double[,] EightCentres = new EvalModesOptions().ResolveCentres();

    [Fact]
    public void Preset_centres_lie_on_the_radius_two_circle_every_45_degrees()
    {
        EightCentres.GetLength(0).Should().Be(8);
        for (var k = 0; k < 8; k++)
        {
            var angle = Math.Atan2(EightCentres[k, 1], EightCentres[k, 0]);
            Math.Sqrt((EightCentres[k, 0] * EightCentres[k, 0]) + (EightCentres[k, 1] * EightCentres[k, 1])).Should().BeApproximately(2.0, 1e-12);
            ((angle + (2 * Math.PI)) % (2 * Math.PI)).Should().BeApproximately(k * Math.PI / 4, 1e-12);
        }
    }

    [Fact]
    public void Equal_points_near_every_centre_give_weights_one_eighth_and_no_error()
    {
        // 8 modes x 10 points, each jittered by 0.1 along x (well inside max_distance 0.5).
        var points = new List<float>();
        for (var k = 0; k < 8; k++)
        {
            for (var j = 0; j < 10; j++)
            {
                points.Add((float)(EightCentres[k, 0] + (j % 2 == 0 ? 0.1 : -0.1)));
                points.Add((float)EightCentres[k, 1]);
            }
        }

        using var samples = tensor(points.ToArray()).reshape(80, 2);
        var coverage = ModeCoverage.Measure(samples, EightCentres, 0.5);

        coverage.Weights.Should().AllSatisfy(w => w.Should().BeApproximately(0.125, 1e-12));
        coverage.MaxWeightError.Should().BeApproximately(0, 1e-12);
        coverage.ModesFound.Should().Be(8);
        coverage.OffMode.Should().Be(0);
    }

    [Fact]
    public void Collapse_onto_one_mode_finds_one_mode_with_error_seven_eighths()
    {
        using var samples = tensor(new[] { 2.0f, 0.0f }).expand(50, 2).contiguous();
        var coverage = ModeCoverage.Measure(samples, EightCentres, 0.5);

        coverage.Weights[0].Should().Be(1.0);
        coverage.Weights.Skip(1).Should().AllSatisfy(w => w.Should().Be(0));
        coverage.MaxWeightError.Should().BeApproximately(0.875, 1e-12);
        coverage.ModesFound.Should().Be(1);
    }

    [Fact]
    public void Points_between_modes_and_non_finite_points_are_off_mode_and_lower_the_weights()
    {
        // Three explicit modes; 6 points on mode 0, 2 on mode 1, 1 at the origin (1.0 from every centre), 1 NaN.
        var centres = new EvalModesOptions { Preset = "none", Centres = [[1, 0], [-1, 0], [0, 1]] }.ResolveCentres();
        using var samples = tensor(new[]
        {
            1f, 0f, 1.1f, 0f, 0.9f, 0f, 1f, 0.2f, 1f, -0.2f, 1.3f, 0f,
            -1f, 0f, -1.2f, 0.1f,
            0f, 0f,
            float.NaN, 0f,
        }).reshape(10, 2);
        var coverage = ModeCoverage.Measure(samples, centres, 0.5);

        coverage.Weights.Should().Equal(0.6, 0.2, 0.0);
        coverage.OffMode.Should().BeApproximately(0.2, 1e-12);
        // |0 − 1/3| beats |0.6 − 1/3|.
        coverage.MaxWeightError.Should().BeApproximately(1.0 / 3, 1e-12);

        // 0.5/K = 1/6: mode 1 (0.2) counts as found, mode 2 (0) does not.
        coverage.ModesFound.Should().Be(2);
    }

    [Fact]
    public void Node_outputs_weights_per_mode_then_the_summary_metrics_under_its_label()
    {
        using var samples = tensor(new[] { 0f, 2f, 0f, 2.1f, -2f, 0f, 5f, 5f }).reshape(4, 2);
        var result = Parity.PluginCatalog.Instance.Run(
            new NodeSpec("eval.modes", new JsonObject { ["label"] = "probe" }),
            new Dictionary<string, object> { ["samples"] = samples });
        var metrics = (MetricSet)result["metrics"];

        metrics.Label.Should().Be("probe");
        metrics.Values.Keys.Should().Equal("weight_0", "weight_1", "weight_2", "weight_3", "weight_4", "weight_5", "weight_6", "weight_7", "max_weight_error", "modes_found", "off_mode");
        metrics.Values["weight_2"].Should().Be(0.5);   // (0, 2) is centre k = 2
        metrics.Values["weight_4"].Should().Be(0.25);  // (-2, 0) is centre k = 4
        metrics.Values["off_mode"].Should().Be(0.25);
        metrics.Values["modes_found"].Should().Be(2);
    }

    [Fact]
    public void Validation_rejects_preset_none_without_centres_and_ragged_centres()
    {
        var nodeType = Parity.PluginCatalog.Instance.NodeTypes["eval.modes"];

        var missing = nodeType.Validate(new NodeValidationContext("modes", new JsonObject { ["preset"] = "none" }, "."));
        var ragged = nodeType.Validate(new NodeValidationContext("modes", new JsonObject { ["preset"] = "none", ["centres"] = new JsonArray(new JsonArray(0, 0), new JsonArray(1)) }, "."));
        var fine = nodeType.Validate(new NodeValidationContext("modes", new JsonObject { ["preset"] = "none", ["centres"] = new JsonArray(new JsonArray(0, 0), new JsonArray(1, 1)) }, "."));

        missing.Should().ContainSingle().Which.Pointer.Should().Be("/nodes/modes/params/centres");
        ragged.Should().ContainSingle().Which.Message.Should().Contain("centre 1");
        fine.Should().BeEmpty();
    }

    [Fact]
    public void Samples_of_the_wrong_dimension_are_rejected_with_the_expected_shape()
    {
        using var samples = zeros(5, 3);
        var act = () => ModeCoverage.Measure(samples, EightCentres, 0.5);
        act.Should().Throw<ArgumentException>().WithMessage("*[count > 0, 2]*[5, 3]*");
    }
}
