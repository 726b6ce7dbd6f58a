using Diffusion.Contracts;
using Diffusion.Plugins.Analytic;
using Diffusion.Plugins.Samplers.Adaptive;
using TorchSharp;
using Xunit.Abstractions;

namespace Diffusion.Plugins.Tests.Analytic;

public sealed class DpmAdaptiveMixtureTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(3)]
    [InlineData(2)]
    public void Dpm_adaptive_with_the_exact_denoiser_recovers_the_eight_modes(int order)
    {
        var scheduler = new LinearDiscreteScheduler();
        var mixture = GaussianMixture.EightGaussians();
        var denoiser = new GaussianMixtureDenoiser(mixture, scheduler, PredictionType.Epsilon, TimeInput.Timestep);
        var sampler = new DpmAdaptiveSampler(new DpmAdaptiveOptions { Order = order });
        int steps = 0;

        var result = sampler.Sample(new SamplingRequest
        {
            Denoiser = denoiser,
            Scheduler = scheduler,
            Schedule = scheduler.CreateInferenceSchedule(50),
            Shape = [2000, 2],
            Generator = new torch.Generator(5, torch.CPU),
            OnStep = _ => steps++,
        });

        var weights = MixtureChecks.ModeWeights(result.Samples, mixture);
        output.WriteLine($"order {order}: NFE {result.FunctionEvaluations}, accepted {result.Steps}, weights [{string.Join(", ", weights.Select(w => w.ToString("F3")))}]");
        result.FunctionEvaluations.Should().BeGreaterThan(0);
        result.Steps.Should().Be(steps).And.BeGreaterThan(1);
        weights.Should().AllSatisfy(w => w.Should().BeApproximately(0.125, 0.05));
        MixtureChecks.FractionNearModes(result.Samples, mixture, 0.5).Should().BeGreaterThan(0.97);
    }

    [Fact]
    public void Dpm_adaptive_refuses_a_schedule_without_alphas_cumprod()
    {
        var scheduler = new Diffusion.Plugins.ScoreSde.VpSdeScheduler(new());
        var sampler = new DpmAdaptiveSampler(new DpmAdaptiveOptions());
        var act = () => sampler.Sample(new SamplingRequest
        {
            Denoiser = new GaussianMixtureDenoiser(GaussianMixture.EightGaussians(), scheduler, PredictionType.Epsilon),
            Scheduler = scheduler,
            Schedule = scheduler.CreateInferenceSchedule(50),
            Shape = [4, 2],
            Generator = new torch.Generator(5, torch.CPU),
        });
        act.Should().Throw<NotSupportedException>().WithMessage("*dpm_adaptive*alphas_cumprod*");
    }
}
