using Diffusion.Contracts;
using Diffusion.Plugins.Analytic;
using Diffusion.Plugins.ScoreSde;
using Diffusion.Plugins.Tests.Analytic;
using TorchSharp;
using Xunit.Abstractions;

namespace Diffusion.Plugins.Tests.ScoreSde;

/// <summary>
/// Score-SDE samplers driven by the exact 8-Gaussian denoiser (radius 2, std 0.1) must reproduce the mixture: with no
/// network error, what is left is the sampler's discretisation error.
/// </summary>
public sealed class MixtureSamplingTests(ITestOutputHelper output)
{
    private static readonly GaussianMixture Mixture = GaussianMixture.EightGaussians();

    [Fact]
    public void Probability_flow_dopri5_on_vp_reproduces_moments_and_modes()
    {
        var scheduler = new VpSdeScheduler(new VpSdeSchedulerOptions());
        var sampler = new ProbabilityFlowSampler(new ProbabilityFlowOptions { Method = "dopri5", Rtol = 1e-3, Atol = 1e-3 });

        // 500 prior draws and their rotations by 90°, 180°, 270°: the mixture and the exact flow are invariant under them,
        // so the sample covariance is free of the ±0.03 sampling noise of 2000 independent points and 0.05 tests the flow.
        using var z = torch.randn([500, 2], torch.ScalarType.Float32, generator: new torch.Generator(2024, torch.CPU));
        using var rotated = torch.cat([z, torch.stack([-z[.., 1], z[.., 0]], 1), -z, torch.stack([z[.., 1], -z[.., 0]], 1)], 0);
        var result = Run(sampler, scheduler, PredictionType.Epsilon, steps: 1, initial: rotated);

        result.FunctionEvaluations.Should().BeGreaterThan(10);
        CheckModes(result, "pf-dopri5 vp");
        var (mean, covariance) = MixtureChecks.Moments(result.Samples);
        output.WriteLine($"mean [{mean[0]:F4}, {mean[1]:F4}], cov [{string.Join(", ", covariance.Select(c => c.ToString("F4")))}], true var {Mixture.Covariance()[0]:F4}");
        mean.Should().Equal(Mixture.Mean(), (a, e) => Math.Abs(a - e) < 0.05);
        covariance.Should().Equal(Mixture.Covariance(), (a, e) => Math.Abs(a - e) < 0.05);
    }

    [Fact]
    public void Dopri5_converges_to_a_tight_reference_solution()
    {
        var scheduler = new VpSdeScheduler(new VpSdeSchedulerOptions());
        using var z = torch.randn([200, 2], torch.ScalarType.Float64, generator: new torch.Generator(9, torch.CPU));
        SamplingResult Solve(double tolerance) => Run(
            new ProbabilityFlowSampler(new ProbabilityFlowOptions { Rtol = tolerance, Atol = tolerance }), scheduler, PredictionType.Score, 1, z, torch.ScalarType.Float64);

        var loose = Solve(1e-3);
        var tight = Solve(1e-6);

        double error = (loose.Samples - tight.Samples).abs().max().item<double>();
        output.WriteLine($"dopri5 rtol 1e-3: NFE {loose.FunctionEvaluations}, rtol 1e-6: NFE {tight.FunctionEvaluations}, max |difference| {error:G3}");
        error.Should().BeLessThan(0.05);
        tight.FunctionEvaluations.Should().BeGreaterThan(2 * loose.FunctionEvaluations);
    }

    [Theory]
    [InlineData("heun", 40)]
    [InlineData("rk4", 20)]
    public void Probability_flow_fixed_step_on_subvp_recovers_modes(string method, int steps)
    {
        var scheduler = new SubVpSdeScheduler(new VpSdeSchedulerOptions());
        var sampler = new ProbabilityFlowSampler(new ProbabilityFlowOptions { Method = method });

        var result = Run(sampler, scheduler, PredictionType.VPrediction, steps);

        result.FunctionEvaluations.Should().Be(method == "heun" ? 2 * steps : 4 * steps);
        CheckModes(result, $"pf-{method} subvp");
    }

    [Fact]
    public void Predictor_corrector_on_ve_recovers_modes()
    {
        var scheduler = new VeSdeScheduler(new VeSdeSchedulerOptions { SigmaMin = 0.01, SigmaMax = 10 });
        var sampler = new PredictorCorrectorSampler(new PredictorCorrectorOptions { Snr = 0.16 });

        var result = Run(sampler, scheduler, PredictionType.Score, steps: 200);

        result.FunctionEvaluations.Should().Be(400);
        CheckModes(result, "pc ve");
    }

    [Fact]
    public void Predictor_corrector_on_vp_recovers_modes()
    {
        var scheduler = new VpSdeScheduler(new VpSdeSchedulerOptions());
        var sampler = new PredictorCorrectorSampler(new PredictorCorrectorOptions { Snr = 0.16 });

        var result = Run(sampler, scheduler, PredictionType.Epsilon, steps: 200);

        CheckModes(result, "pc vp");
    }

    [Fact]
    public void Euler_maruyama_predictor_alone_recovers_modes_on_vp()
    {
        var scheduler = new VpSdeScheduler(new VpSdeSchedulerOptions());
        var sampler = new PredictorCorrectorSampler(new PredictorCorrectorOptions { Predictor = "euler_maruyama", Corrector = "none" });

        var result = Run(sampler, scheduler, PredictionType.Sample, steps: 300);

        result.FunctionEvaluations.Should().Be(300);
        CheckModes(result, "em vp");
    }

    [Fact]
    public void Score_sde_samplers_refuse_a_discrete_schedule()
    {
        var scheduler = new LinearDiscreteScheduler();
        var act = () => new PredictorCorrectorSampler(new()).Sample(new SamplingRequest
        {
            Denoiser = new GaussianMixtureDenoiser(Mixture, scheduler, PredictionType.Epsilon),
            Scheduler = scheduler,
            Schedule = scheduler.CreateInferenceSchedule(50),
            Shape = [4, 2],
            Generator = new torch.Generator(1, torch.CPU),
        });
        act.Should().Throw<NotSupportedException>().WithMessage("*sampler.pc*scheduler.ve*");
    }

    private static SamplingResult Run(
        ISampler sampler, IScheduler scheduler, PredictionType prediction, int steps, torch.Tensor? initial = null, torch.ScalarType dtype = torch.ScalarType.Float32) =>
        sampler.Sample(new SamplingRequest
        {
            Denoiser = new GaussianMixtureDenoiser(Mixture, scheduler, prediction),
            Scheduler = scheduler,
            Schedule = scheduler.CreateInferenceSchedule(steps),
            Shape = initial is null ? [2000, 2] : [.. initial.shape],
            InitialSample = initial,
            DType = dtype,
            Generator = new torch.Generator(2024, torch.CPU),
        });

    private void CheckModes(SamplingResult result, string label)
    {
        var weights = MixtureChecks.ModeWeights(result.Samples, Mixture);
        double near = MixtureChecks.FractionNearModes(result.Samples, Mixture, 0.5);
        output.WriteLine($"{label}: NFE {result.FunctionEvaluations}, steps {result.Steps}, near-mode {near:F3}, weights [{string.Join(", ", weights.Select(w => w.ToString("F3")))}]");
        weights.Should().AllSatisfy(w => w.Should().BeApproximately(0.125, 0.05), label);
        near.Should().BeGreaterThan(0.95, $"{label}: samples should sit on the modes (within 5 std)");
    }
}
