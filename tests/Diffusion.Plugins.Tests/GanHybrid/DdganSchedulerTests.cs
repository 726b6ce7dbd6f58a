using Diffusion.Plugins.GanHybrid;
using static TorchSharp.torch;

namespace Diffusion.Plugins.Tests.GanHybrid;

public sealed class DdganSchedulerTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    [InlineData(8)]
    public void Without_the_time_offset_the_betas_are_the_papers_closed_form(int steps)
    {
        var scheduler = new DdganScheduler(new DdganSchedulerOptions { Steps = steps, TimeOffset = 0 });

        // Xiao et al. 2022: β_t = 1 − exp(−β_min/T − ½(β_max − β_min)(2t − 1)/T²), t = 1..T, with β_min 0.1, β_max 20.
        for (int t = 1; t <= steps; t++)
        {
            double expected = 1 - Math.Exp((-0.1 / steps) - (0.5 * (20 - 0.1) * ((2 * t) - 1) / (steps * (double)steps)));
            scheduler.Betas[t - 1].Should().BeApproximately(expected, 1e-12);
        }

        // ᾱ at the last level is the VP SDE's ᾱ(1) = exp(−β_min − ½(β_max − β_min)).
        scheduler.AlphasCumprod[^1].Should().BeApproximately(Math.Exp(-0.1 - (0.5 * 19.9)), 1e-15);
    }

    [Fact]
    public void The_inference_schedule_is_the_whole_chain_and_other_step_counts_are_refused_with_the_chain_length()
    {
        var scheduler = new DdganScheduler(new DdganSchedulerOptions { Steps = 4 });

        var schedule = scheduler.CreateInferenceSchedule(4);
        schedule.Timesteps.Should().Equal(3.0, 2.0, 1.0, 0.0);
        schedule.Sigmas.Should().HaveCount(5);
        schedule.Sigmas[^1].Should().Be(0);
        schedule.Sigmas[0].Should().BeApproximately(Math.Sqrt((1 - scheduler.AlphasCumprod[3]) / scheduler.AlphasCumprod[3]), 1e-12);

        var act = () => scheduler.CreateInferenceSchedule(2);
        act.Should().Throw<ArgumentOutOfRangeException>().WithMessage("*exactly T = 4 steps*steps = 4*");
    }

    [Fact]
    public void Training_times_are_the_integer_levels_and_the_marginal_reads_the_table()
    {
        var scheduler = new DdganScheduler(new DdganSchedulerOptions { Steps = 4 });
        using var generator = new Generator(3, CPU);

        var times = scheduler.SampleTrainingTimes(1000, generator);
        times.dtype.Should().Be(ScalarType.Int64);
        times.min().item<long>().Should().Be(0);
        times.max().item<long>().Should().Be(3);
        var (alpha, sigma) = scheduler.Marginal(tensor(new long[] { 0, 3 }));
        alpha[1].item<double>().Should().BeApproximately(Math.Sqrt(scheduler.AlphasCumprod[3]), 1e-15);
        sigma[0].item<double>().Should().BeApproximately(Math.Sqrt(1 - scheduler.AlphasCumprod[0]), 1e-15);
    }

    [Fact]
    public void The_node_reports_an_inverted_beta_range_as_a_param_problem()
    {
        var issues = new DdganSchedulerNode().Validate(new Contracts.NodeValidationContext("chain", new System.Text.Json.Nodes.JsonObject { ["beta_min"] = 5.0, ["beta_max"] = 1.0 }, "."));

        issues.Should().ContainSingle().Which.Message.Should().Contain("beta_max (1) must be at least beta_min (5)");
    }
}
