using Diffusion.Plugins.Schedules;

namespace Diffusion.Plugins.Tests.Schedules;

/// <summary>
/// The schedule rules of diffusers' scheduler classes, checked against values derived by hand or in closed form
/// (telescoping products of ᾱ, numpy's arange/linspace rules worked out for small N).
/// </summary>
public sealed class DiffusersScheduleRulesTests
{
    private const int T = 1000;

    /// <summary>Nichol &amp; Dhariwal's ᾱ(t) = cos²((t + 0.008)/1.008 · π/2).</summary>
    private static double CosineAlphaBar(double t) => Math.Pow(Math.Cos((t + 0.008) / 1.008 * Math.PI / 2), 2);

    [Fact]
    public void Cosine_schedule_keeps_its_own_largest_sigma_without_zero_snr_rescale()
    {
        // ᾱ_i telescopes to ᾱ((i+1)/T)/ᾱ(0) while β is uncapped; only β_{T−1} hits the 0.999 cap, so ᾱ_{T−1} is 0.001 times
        // ᾱ((T−1)/T)/ᾱ(0) ≈ 2.4e-9 — well below 2^-24, which diffusers substitutes only for a rescaled (zero-SNR) schedule.
        double alphaLast = CosineAlphaBar((T - 1.0) / T) / CosineAlphaBar(0) * 0.001;
        double sigmaMax = Math.Sqrt((1 - alphaLast) / alphaLast);
        var scheduler = new DiscreteScheduler(new DiscreteSchedulerOptions
        {
            BetaSchedule = "squaredcos_cap_v2", TimestepSpacing = "linspace", IntegerTimesteps = false, TablePrecision = "float64",
        });

        var sigmas = scheduler.CreateInferenceSchedule(10).Sigmas;

        sigmaMax.Should().BeGreaterThan(20000);
        sigmas[0].Should().BeApproximately(sigmaMax, sigmaMax * 1e-6);
    }

    [Fact]
    public void Zero_snr_rescale_still_caps_sigma_at_two_to_the_minus_24()
    {
        var scheduler = new DiscreteScheduler(new DiscreteSchedulerOptions { RescaleBetasZeroSnr = true, TimestepSpacing = "trailing" });
        double expected = Math.Sqrt((1 - Math.Pow(2, -24)) / Math.Pow(2, -24));
        scheduler.CreateInferenceSchedule(4).Sigmas[0].Should().BeApproximately(expected, expected * 1e-6);
    }

    [Fact]
    public void Exp_beta_schedule_is_constant_one_minus_e_to_the_minus_12_over_T()
    {
        // ᾱ(t) = e^{−12t}: every ratio ᾱ((i+1)/T)/ᾱ(i/T) is e^{−12/T}, so ᾱ_i = e^{−12(i+1)/T}.
        var scheduler = new DiscreteScheduler(new DiscreteSchedulerOptions { BetaSchedule = "exp", NumTrainTimesteps = 100, TablePrecision = "float64" });
        for (int i = 0; i < 100; i += 33)
        {
            scheduler.AlphasCumprod[i].Should().BeApproximately(Math.Exp(-12.0 * (i + 1) / 100), 1e-12);
        }
    }

    [Fact]
    public void Sigmoid_betas_are_point_symmetric_around_the_middle()
    {
        // β_i = sigmoid(−6 + 12 i/(T−1)) (β_end − β_start) + β_start and sigmoid(x) + sigmoid(−x) = 1.
        var options = new DiscreteSchedulerOptions { BetaSchedule = "sigmoid", NumTrainTimesteps = 11, BetaStart = 0.001, BetaEnd = 0.03, TablePrecision = "float64" };
        var alphas = new DiscreteScheduler(options).AlphasCumprod;
        double Beta(int i) => 1 - alphas[i] / (i == 0 ? 1 : alphas[i - 1]);
        Beta(5).Should().BeApproximately(0.5 * (0.03 - 0.001) + 0.001, 1e-12);
        Beta(0).Should().BeApproximately(1 / (1 + Math.Exp(6)) * 0.029 + 0.001, 1e-12);
        (Beta(2) + Beta(8)).Should().BeApproximately(0.03 + 0.001, 1e-12);
    }

    [Fact]
    public void Laplace_schedule_reaches_snr_one_half_way()
    {
        // λ(0.5) = −0.5·log(1 + 1e-6) ≈ 0 → ᾱ(0.5) = sqrt(1/2) up to 1e-7; ᾱ(0): λ = −0.5 log 1e-6, e^λ = 1000 → sqrt(1000/1001).
        var scheduler = new DiscreteScheduler(new DiscreteSchedulerOptions { BetaSchedule = "laplace", TablePrecision = "float64" });
        scheduler.AlphasCumprod[T / 2 - 1].Should().BeApproximately(Math.Sqrt(0.5) / Math.Sqrt(1000.0 / 1001.0), 1e-6);
    }

    [Theory]
    [InlineData("linspace_n_plus_1", 9, 0, new double[] { 999, 888, 777, 666, 555, 444, 333, 222, 111 })] // linspace(0, 999, 10), drop 0
    [InlineData("leading_n_plus_1", 10, 1, new double[] { 901, 811, 721, 631, 541, 451, 361, 271, 181, 91 })] // 1000 // 11 = 90
    [InlineData("trailing", 3, 0, new double[] { 999, 666, 332 })] // round(1000, 666.67, 333.33) − 1
    [InlineData("leading", 3, 0, new double[] { 666, 333, 0 })] // 1000 // 3 = 333
    public void Dpm_solver_and_small_n_spacings(string spacing, int steps, int offset, double[] expected)
    {
        var scheduler = new DiscreteScheduler(new DiscreteSchedulerOptions { TimestepSpacing = spacing, StepsOffset = offset });
        scheduler.CreateInferenceSchedule(steps).Timesteps.Should().Equal(expected);
    }

    [Fact]
    public void Lambda_min_clipped_drops_timesteps_below_the_log_snr_floor()
    {
        // Linear betas in float64: ᾱ_t = Π(1 − β_s); λ_t = log sqrt(ᾱ_t) − log sqrt(1 − ᾱ_t). Clip at λ = −4: count the dropped ones.
        double clip = -4;
        double alpha = 1;
        int dropped = 0;
        for (int t = 0; t < T; t++)
        {
            alpha *= 1 - (0.0001 + (0.02 - 0.0001) * t / (T - 1));
            if (0.5 * Math.Log(alpha) - 0.5 * Math.Log(1 - alpha) < clip)
            {
                dropped++;
            }
        }

        int last = T - dropped;
        dropped.Should().BeGreaterThan(0);
        var scheduler = new DiscreteScheduler(new DiscreteSchedulerOptions
        {
            TimestepSpacing = "linspace_n_plus_1", LambdaMinClipped = clip, TablePrecision = "float64",
        });

        var timesteps = scheduler.CreateInferenceSchedule(4).Timesteps;

        // numpy: linspace(0, last − 1, 5).round()[::-1][:-1]
        double step = (last - 1) / 4.0;
        timesteps.Should().Equal(Enumerable.Range(1, 4).Reverse().Select(k => Math.Round(k * step, MidpointRounding.ToEven)));
    }

    [Fact]
    public void Dpm_solver_exponential_sigmas_give_truncated_integer_timesteps()
    {
        var options = new DiscreteSchedulerOptions
        {
            BetaSchedule = "scaled_linear", BetaStart = 0.00085, BetaEnd = 0.012, TimestepSpacing = "linspace_n_plus_1",
            SigmaSchedule = "exponential", SigmaRange = "train", TablePrecision = "float64",
        };
        var fractional = new DiscreteScheduler(options).CreateInferenceSchedule(7).Timesteps;
        var integer = new DiscreteScheduler(options with { IntegerSigmaTimesteps = true }).CreateInferenceSchedule(7).Timesteps;

        fractional.Skip(1).SkipLast(1).Should().OnlyContain(t => t != Math.Floor(t), "exponential sigmas fall between training timesteps");
        integer.Should().OnlyContain(t => t >= 0 && t <= 999);
        // diffusers stores them as int64 (truncation toward zero), not rounded.
        integer.Should().Equal(fractional.Select(Math.Floor));
    }
}
