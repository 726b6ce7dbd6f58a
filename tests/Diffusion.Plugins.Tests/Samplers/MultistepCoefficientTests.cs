using Diffusion.Contracts;
using Diffusion.Plugins.Samplers;
using Diffusion.Plugins.Schedules;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Plugins.Tests.Samplers;

/// <summary>
/// LMS, PNDM (PRK + PLMS) and DPM-Solver variants against trajectories worked out independently in the test from the
/// papers' formulas, with denoisers whose output depends only on time (so every step's combination is a known scalar).
/// </summary>
public sealed class MultistepCoefficientTests
{
    private static readonly DiscreteScheduler LinearFloat64 = new(new DiscreteSchedulerOptions
    {
        TimestepSpacing = "linspace", IntegerTimesteps = false, TablePrecision = "float64",
    });

    private static SamplingRequest Request(IDenoiser denoiser, IScheduler scheduler, int steps, Tensor initial, List<SamplerStep>? log = null) => new()
    {
        Denoiser = denoiser,
        Scheduler = scheduler,
        Schedule = scheduler.CreateInferenceSchedule(steps),
        Shape = [1, 3],
        DType = float64,
        InitialSample = initial,
        Generator = new Generator(7),
        OnStep = log is null ? null : log.Add,
    };

    [Fact]
    public void Lms_integrates_the_lagrange_basis_exactly()
    {
        // D(x; σ) = x − σ³ makes dx/dσ = (x − D)/σ = σ² whatever x is. LMS order 1 (step 0), 2 (step 1: the line through
        // (σ0, σ0²), (σ1, σ1²), integrated by the trapezoid rule), then ≥ 3, whose Lagrange interpolant of σ² is σ² itself,
        // so those steps add exactly (σ_{i+1}³ − σ_i³)/3. Any quadrature error above ~1e-12 shows.
        var sigmas = LinearFloat64.CreateInferenceSchedule(6).Sigmas;
        // The model's time input is float32; look the exact σ up in the schedule so the check stays at double precision.
        double Exact(double sigma32) => sigmas.MinBy(s => Math.Abs(s - sigma32));
        var denoiser = new FunctionDenoiser(PredictionType.Sample, TimeInput.Sigma,
            (input, sigma) => input * Math.Sqrt(Exact(sigma) * Exact(sigma) + 1) - Math.Pow(Exact(sigma), 3));
        using var initial = full(1, 3, 2.0, float64);

        var result = new LmsSampler(new LmsSamplerOptions { PredictionType = PredictionType.Sample }).Sample(Request(denoiser, LinearFloat64, 6, initial));

        double lineAtSigma2 = sigmas[1] * sigmas[1] + (sigmas[2] - sigmas[1]) * (sigmas[1] + sigmas[0]);
        double expected = 2.0 + (sigmas[1] - sigmas[0]) * sigmas[0] * sigmas[0]
            + (sigmas[2] - sigmas[1]) * (sigmas[1] * sigmas[1] + lineAtSigma2) / 2;
        for (int i = 2; i < 6; i++)
        {
            expected += (Math.Pow(sigmas[i + 1], 3) - Math.Pow(sigmas[i], 3)) / 3;
        }

        using (result.Samples)
        {
            result.Samples[0, 0].item<double>().Should().BeApproximately(expected, Math.Abs(expected) * 1e-10);
        }
    }

    /// <summary>Liu et al. 2022, Eq. 11 (φ), written out for the check.</summary>
    private static double Transfer(IReadOnlyList<double> alphasCumprod, double finalAlpha, double x, int t, int previous, double epsilon)
    {
        double a = alphasCumprod[t], aPrev = previous >= 0 ? alphasCumprod[previous] : finalAlpha;
        return Math.Sqrt(aPrev / a) * x - (aPrev - a) * epsilon / (a * Math.Sqrt(1 - aPrev) + Math.Sqrt(a * (1 - a) * aPrev));
    }

    [Fact]
    public void Pndm_runs_three_pseudo_runge_kutta_steps_then_fourth_order_plms()
    {
        // T = 1000, N = 5, leading: timesteps 800, 600, 400, 200, 0; δ = 200, δ/2 = 100. ε̂(t) = t/1000 independent of x.
        var scheduler = new DiscreteScheduler(new DiscreteSchedulerOptions { TablePrecision = "float64", SetAlphaToOne = false });
        var alphas = scheduler.AlphasCumprod;
        var denoiser = new FunctionDenoiser(PredictionType.Epsilon, TimeInput.Timestep, (input, t) => ones_like(input) * (t / 1000));
        double F(int t) => t / 1000.0;
        using var initial = full(1, 3, 0.5, float64);
        var log = new List<SamplerStep>();

        var result = new PndmSampler(new PndmSamplerOptions { PredictionType = PredictionType.Epsilon, SkipPrkSteps = false })
            .Sample(Request(denoiser, scheduler, 5, initial, log));

        // diffusers' prk_timesteps then plms_timesteps.
        denoiser.Times.Should().Equal(800, 700, 700, 600, 600, 500, 500, 400, 400, 300, 300, 200, 200, 0);
        log.Should().HaveCount(14);
        // PRK (Eq. 13): ε' = (ε(t) + 2ε(t−δ/2) + 2ε(t−δ/2) + ε(t−δ))/6 then φ over the whole step.
        double x = 0.5;
        foreach (int t in new[] { 800, 600, 400 })
        {
            x = Transfer(alphas, alphas[0], x, t, t - 200, (F(t) + 4 * F(t - 100) + F(t - 200)) / 6);
        }

        // PLMS (Eq. 12) with the history ε(800), ε(600), ε(400), then ε(200), ε(0).
        x = Transfer(alphas, alphas[0], x, 200, 0, (55 * F(200) - 59 * F(400) + 37 * F(600) - 9 * F(800)) / 24);
        x = Transfer(alphas, alphas[0], x, 0, -200, (55 * F(0) - 59 * F(200) + 37 * F(400) - 9 * F(600)) / 24);
        using (result.Samples)
        {
            result.Samples[0, 0].item<double>().Should().BeApproximately(x, 1e-10);
        }
    }

    [Fact]
    public void Dpm_solver_first_order_is_the_same_ddim_step_in_noise_and_data_prediction()
    {
        // Lu et al. 2022: DPM-Solver-1 and DPM-Solver++(1) are both DDIM; x_t = (α_t/α_s)x − σ_t(e^h − 1)ε equals
        // (σ_t/σ_s)x − α_t(e^{−h} − 1)x̂_0 with x̂_0 = (x − σ_s ε)/α_s.
        var scheduler = new DiscreteScheduler(new DiscreteSchedulerOptions { TimestepSpacing = "linspace_n_plus_1", TablePrecision = "float64", FinalSigma = "sigma_min" });
        Tensor Run(DpmSolverAlgorithm algorithm)
        {
            var denoiser = new FunctionDenoiser(PredictionType.Epsilon, TimeInput.Timestep, (input, t) => input * (t / (t + 1)));
            using var initial = full(1, 3, 1.5, float64);
            return new DpmSolverMultistepSampler(new DpmSolverMultistepOptions { AlgorithmType = algorithm, SolverOrder = 1 })
                .Sample(Request(denoiser, scheduler, 8, initial)).Samples;
        }

        using var noisePrediction = Run(DpmSolverAlgorithm.DpmSolver);
        using var dataPrediction = Run(DpmSolverAlgorithm.DpmSolverPlusPlus);
        (noisePrediction - dataPrediction).abs().max().item<double>().Should().BeLessThan(1e-10);
        noisePrediction[0, 0].item<double>().Should().NotBe(1.5);
    }

    [Fact]
    public void Sde_dpm_solver_plus_plus_adds_its_noise_every_step()
    {
        // DPM-Solver++ paper, App. B (SDE variant), order 1: x_t = (σ_t/σ_s)e^{−h} x + α_t(1 − e^{−2h}) x̂_0 + σ_t sqrt(1 − e^{−2h}) z,
        // one z ~ N(0, I) per step from the request's generator (float32), the last step (σ = 0) included.
        var scheduler = new DiscreteScheduler(new DiscreteSchedulerOptions { TimestepSpacing = "linspace_n_plus_1", TablePrecision = "float64" });
        var schedule = scheduler.CreateInferenceSchedule(3);
        var denoiser = new FunctionDenoiser(PredictionType.Sample, TimeInput.Timestep, (input, t) => zeros_like(input) + 0.25);
        using var initial = full(1, 3, 1.0, float64);

        using var actual = new DpmSolverMultistepSampler(new DpmSolverMultistepOptions { AlgorithmType = DpmSolverAlgorithm.SdeDpmSolverPlusPlus, SolverOrder = 1 })
            .Sample(Request(denoiser, scheduler, 3, initial)).Samples;

        var generator = new Generator(7);
        using var x = full(1, 3, 1.0, float64);
        var expected = x.clone();
        for (int i = 0; i < 3; i++)
        {
            using var z = randn([1, 3], float32, generator: generator).to(float64);
            double Alpha(double s) => 1 / Math.Sqrt(s * s + 1);
            double sS = schedule.Sigmas[i], sT = schedule.Sigmas[i + 1];
            double alphaT = Alpha(sT), sigmaT = sT * alphaT, sigmaS = sS * Alpha(sS);
            double h = (sT == 0 ? double.PositiveInfinity : Math.Log(alphaT / sigmaT)) - Math.Log(Alpha(sS) / sigmaS);
            var next = sigmaT / sigmaS * Math.Exp(-h) * expected + alphaT * (1 - Math.Exp(-2 * h)) * 0.25
                + sigmaT * Math.Sqrt(1 - Math.Exp(-2 * h)) * z;
            expected.Dispose();
            expected = next;
        }

        using (expected)
        {
            (actual - expected).abs().max().item<double>().Should().BeLessThan(1e-6);
            // The final σ is 0, so the result is the data prediction itself; the noise must still have been drawn 3 times.
            actual[0, 0].item<double>().Should().BeApproximately(0.25, 1e-6);
        }
    }

    [Fact]
    public void Euler_with_continuous_timesteps_shows_the_model_a_quarter_log_sigma()
    {
        var denoiser = new FunctionDenoiser(PredictionType.VPrediction, TimeInput.Timestep, (input, t) => zeros_like(input));
        using var initial = full(1, 3, 1.0, float64);
        var schedule = LinearFloat64.CreateInferenceSchedule(4);

        using var result = new EulerSampler(new EulerSamplerOptions { PredictionType = PredictionType.VPrediction, TimestepType = EulerTimestepType.Continuous })
            .Sample(Request(denoiser, LinearFloat64, 4, initial)).Samples;

        // The time reaches the model as float32.
        denoiser.Times.Should().Equal(schedule.Sigmas.Take(4).Select(s => 0.25 * Math.Log(s)), (a, b) => Math.Abs(a - b) < 1e-6);
    }
}
