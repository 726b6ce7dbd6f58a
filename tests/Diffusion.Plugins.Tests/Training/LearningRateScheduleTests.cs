using Diffusion.Plugins.Training;
using FluentAssertions;
using Xunit;

namespace Diffusion.Plugins.Tests.Training;

/// <summary>
/// Factors computed by hand from factor = step / warmup during the warm-up, then
/// minRatio + (1 − minRatio) · ½ · (1 + cos(π · (step − warmup) / (total − warmup))).
/// </summary>
public sealed class LearningRateScheduleTests
{
    [Theory]
    [InlineData(0, 0.0)]          // the first step of the warm-up runs at lr 0, as diffusers' LambdaLR
    [InlineData(250, 0.5)]        // half-way through the warm-up
    [InlineData(500, 1.0)]        // end of warm-up: progress 0, cos 0 = 1
    [InlineData(4967, 0.525)]     // mid-way: progress (4967 − 500) / 8934 = 1/2, 0.05 + 0.95 · ½ · (1 + 0)
    [InlineData(9434, 0.05)]      // the end: progress 1, cos π = −1, the floor
    public void The_shipped_mnist_recipe_warms_up_linearly_then_decays_to_five_percent(long step, double expected)
    {
        var schedule = new LearningRateSchedule(LearningRateSchedule.Cosine, warmupSteps: 500, minRatio: 0.05, totalSteps: 9434);

        schedule.Factor(step).Should().BeApproximately(expected, 1e-12);
    }

    [Fact]
    public void Without_a_floor_the_cosine_is_diffusers_get_cosine_schedule_with_warmup()
    {
        var schedule = new LearningRateSchedule(LearningRateSchedule.Cosine, warmupSteps: 0, minRatio: 0, totalSteps: 8);

        schedule.Factor(0).Should().Be(1.0);
        schedule.Factor(2).Should().BeApproximately(0.5 * (1 + (Math.Sqrt(2) / 2)), 1e-12); // progress 1/4: cos(π/4) = √2/2
        schedule.Factor(4).Should().BeApproximately(0.5, 1e-12);
        schedule.Factor(8).Should().BeApproximately(0.0, 1e-12);
        schedule.Factor(9).Should().BeApproximately(0.0, 1e-12, "past the total it stays at the floor");
    }

    [Fact]
    public void Constant_is_one_after_its_warm_up_and_ignores_the_floor()
    {
        var schedule = new LearningRateSchedule(LearningRateSchedule.Constant, warmupSteps: 4, minRatio: 0.5, totalSteps: 100);

        schedule.Factor(0).Should().Be(0.0);
        schedule.Factor(1).Should().Be(0.25);
        schedule.Factor(4).Should().Be(1.0);
        schedule.Factor(99).Should().Be(1.0);
        new LearningRateSchedule(LearningRateSchedule.Constant, 0, 0, 10).Factor(0).Should().Be(1.0);
    }

    [Theory]
    [InlineData("linear", 0, 0.0, "*lr_schedule*'constant' or 'cosine'*linear*")]
    [InlineData("cosine", 11, 0.0, "*lr_warmup_steps*steps = 10*")]
    [InlineData("cosine", -1, 0.0, "*lr_warmup_steps*")]
    [InlineData("cosine", 0, 1.5, "*lr_min_ratio*[0, 1]*")]
    public void Values_no_valid_params_give_are_rejected_by_name(string kind, int warmup, double minRatio, string message)
    {
        var act = () => new LearningRateSchedule(kind, warmup, minRatio, totalSteps: 10);

        act.Should().Throw<ArgumentException>().WithMessage(message);
    }
}
