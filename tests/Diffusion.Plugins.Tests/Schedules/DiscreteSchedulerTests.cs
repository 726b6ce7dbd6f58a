using Diffusion.Plugins.Schedules;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Plugins.Tests.Schedules;

public sealed class DiscreteSchedulerTests
{
    [Fact]
    public void Linear_schedule_has_closed_form_alphas_cumprod()
    {
        var scheduler = new DiscreteScheduler(new DiscreteSchedulerOptions { NumTrainTimesteps = 10, BetaStart = 0.1, BetaEnd = 0.1, TablePrecision = "float64" });
        scheduler.AlphasCumprod[3].Should().BeApproximately(Math.Pow(0.9, 4), 1e-15);
    }

    [Theory]
    [InlineData("leading", 1, new double[] { 901, 801, 701, 601, 501, 401, 301, 201, 101, 1 })]
    [InlineData("trailing", 0, new double[] { 999, 899, 799, 699, 599, 499, 399, 299, 199, 99 })]
    [InlineData("linspace", 0, new double[] { 999, 888, 777, 666, 555, 444, 333, 222, 111, 0 })]
    public void Spacing_follows_Lin_et_al_table_2(string spacing, int offset, double[] expected)
    {
        var scheduler = new DiscreteScheduler(new DiscreteSchedulerOptions { TimestepSpacing = spacing, StepsOffset = offset });
        scheduler.CreateInferenceSchedule(10).Timesteps.Should().Equal(expected);
    }

    [Fact]
    public void Zero_terminal_snr_ends_at_alpha_cumprod_zero()
    {
        var scheduler = new DiscreteScheduler(new DiscreteSchedulerOptions { BetaSchedule = "scaled_linear", BetaStart = 0.00085, BetaEnd = 0.012, RescaleBetasZeroSnr = true, TimestepSpacing = "trailing" });
        scheduler.AlphasCumprod[^1].Should().BeApproximately(0, 1e-12);
        scheduler.CreateInferenceSchedule(10).Sigmas[0].Should().BeApproximately(4096, 1, "sigma uses ᾱ = 2^-24 at the terminal step");
    }

    [Fact]
    public void Training_times_are_uniform_integers_below_T()
    {
        var scheduler = new DiscreteScheduler(new DiscreteSchedulerOptions { NumTrainTimesteps = 50 });
        using var times = scheduler.SampleTrainingTimes(4096, new Generator(1));
        times.dtype.Should().Be(ScalarType.Int64);
        times.min().item<long>().Should().Be(0);
        times.max().item<long>().Should().Be(49);
        var (alpha, sigma) = scheduler.Marginal(times);
        using (alpha)
        using (sigma)
        {
            using var one = alpha * alpha + sigma * sigma;
            (one - 1).abs().max().item<double>().Should().BeLessThan(1e-12);
        }
    }
}
