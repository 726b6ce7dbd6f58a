using Diffusion.Contracts;
using Diffusion.Plugins.Analytic;
using Diffusion.Plugins.ScoreSde;
using TorchSharp;

namespace Diffusion.Plugins.Tests.Analytic;

public sealed class GaussianMixtureDenoiserTests
{
    private static GaussianMixture Correlated3d() => GaussianMixture.WithCovariances(
        [[1.0, -0.5, 0.2], [-1.5, 0.3, 0.0], [0.2, 1.2, -0.8]],
        [
            [[0.30, 0.10, 0.00], [0.10, 0.20, 0.05], [0.00, 0.05, 0.10]],
            [[0.05, 0.00, 0.00], [0.00, 0.40, -0.10], [0.00, -0.10, 0.25]],
            [[0.20, -0.08, 0.03], [-0.08, 0.15, 0.00], [0.03, 0.00, 0.12]],
        ],
        [0.5, 0.3, 0.2]);

    public static TheoryData<string, double> Schedules => new()
    {
        { "vp", 0.05 }, { "vp", 0.6 }, { "ve", 0.1 }, { "ve", 0.5 }, { "subvp", 0.3 }, { "discrete", 37 }, { "discrete", 512.5 },
    };

    [Theory]
    [MemberData(nameof(Schedules))]
    public void Score_is_the_gradient_of_log_p_t(string schedule, double time)
    {
        var scheduler = Scheduler(schedule);
        var denoiser = new GaussianMixtureDenoiser(Correlated3d(), scheduler, PredictionType.Score);
        using var scope = torch.NewDisposeScope();
        var x = torch.randn([6, 3], torch.ScalarType.Float64, generator: new torch.Generator(7, torch.CPU)) * 1.5;
        var t = torch.full([6], time, torch.ScalarType.Float64);

        var score = denoiser.Forward(x, t);

        const double h = 1e-5;
        for (int i = 0; i < 3; i++)
        {
            var step = torch.zeros(3, torch.ScalarType.Float64);
            step[i] = h;
            var numeric = (denoiser.LogDensity(x + step, t) - denoiser.LogDensity(x - step, t)) / (2 * h);
            var difference = (score[.., i] - numeric).abs().max().item<double>();
            difference.Should().BeLessThan(1e-5 * (1 + numeric.abs().max().item<double>()), $"d log p_t / dx_{i} under {schedule} at t={time}");
        }
    }

    [Fact]
    public void Predictions_reconstruct_the_noisy_sample()
    {
        // Whatever the parametrisation, α x̂_0 + σ ε̂ must give back x_t (the marginal x_t = α x_0 + σ ε).
        var scheduler = new VpSdeScheduler(new VpSdeSchedulerOptions());
        var mixture = GaussianMixture.EightGaussians();
        using var scope = torch.NewDisposeScope();
        var x = torch.randn([5, 2], torch.ScalarType.Float64, generator: new torch.Generator(3, torch.CPU));
        var t = torch.full([5], 0.4, torch.ScalarType.Float64);
        var (alpha, sigma) = scheduler.Marginal(t);
        var a = alpha.unsqueeze(-1);
        var s = sigma.unsqueeze(-1);
        var eps = new GaussianMixtureDenoiser(mixture, scheduler, PredictionType.Epsilon).Forward(x, t);
        var x0 = new GaussianMixtureDenoiser(mixture, scheduler, PredictionType.Sample).Forward(x, t);
        var v = new GaussianMixtureDenoiser(mixture, scheduler, PredictionType.VPrediction).Forward(x, t);

        (a * x0 + s * eps - x).abs().max().item<double>().Should().BeLessThan(1e-10);
        (a * v + s * x - eps).abs().max().item<double>().Should().BeLessThan(1e-10, "for VP (α² + σ² = 1), ε = α v + σ x");
    }

    [Fact]
    public void At_vanishing_noise_x0_prediction_is_the_sample_and_far_away_it_is_the_mean()
    {
        var scheduler = new VpSdeScheduler(new VpSdeSchedulerOptions { Epsilon = 1e-5 });
        var mixture = GaussianMixture.EightGaussians();
        var denoiser = new GaussianMixtureDenoiser(mixture, scheduler, PredictionType.Sample);
        using var scope = torch.NewDisposeScope();
        var x = torch.tensor(new[] { 2.0, 0.05, -1.3, 1.5 }, [2, 2], torch.ScalarType.Float64);

        denoiser.Forward(x, torch.full([2], 1e-5, torch.ScalarType.Float64)).sub(x).abs().max().item<double>().Should().BeLessThan(1e-3);
        var meanAtPrior = denoiser.Forward(x, torch.full([2], 1.0, torch.ScalarType.Float64));
        meanAtPrior.abs().max().item<double>().Should().BeLessThan(0.05, "at t = 1 the posterior mean is close to the data mean 0");
    }

    [Fact]
    public void Dataset_draws_the_mixture()
    {
        var mixture = Correlated3d();
        var dataset = new GaussianMixtureDataset(mixture);
        var batch = dataset.Sample(20000, new torch.Generator(11, torch.CPU));

        batch.Data.shape.Should().Equal(20000, 3);
        var labels = batch.Labels!.data<long>().ToArray();
        for (int k = 0; k < 3; k++)
        {
            (labels.Count(l => l == k) / 20000.0).Should().BeApproximately(mixture.Weights[k], 0.015);
        }

        var (mean, covariance) = MixtureChecks.Moments(batch.Data);
        mean.Should().Equal(mixture.Mean(), (a, e) => Math.Abs(a - e) < 0.03);
        covariance.Should().Equal(mixture.Covariance(), (a, e) => Math.Abs(a - e) < 0.04);
    }

    [Fact]
    public void Eight_gaussians_preset_has_centres_on_the_radius_2_circle()
    {
        var mixture = GaussianMixture.FromParams(new GaussianMixtureOptions { Preset = "eight_gaussians" });
        mixture.Count.Should().Be(8);
        mixture.Means.Select(m => Math.Sqrt((m[0] * m[0]) + (m[1] * m[1]))).Should().AllSatisfy(r => r.Should().BeApproximately(2.0, 1e-12));
        mixture.Means[2][1].Should().BeApproximately(2.0, 1e-12, "centre k = 2 is at angle pi/2");
        mixture.Covariance()[0].Should().BeApproximately(2.0 + 0.01, 1e-12, "var x = r^2/2 + std^2");
    }

    [Fact]
    public void Bad_params_name_the_param()
    {
        var problems = GaussianMixture.Problems(new GaussianMixtureOptions { Means = [[0.0, 1.0], [1.0]], Std = 0.1 }).ToList();
        problems.Should().Contain(p => p.Param == "means");
        GaussianMixture.Problems(new GaussianMixtureOptions { Means = [[0.0]], Std = 0.1, Stds = [0.2] }).Should().Contain(p => p.Param == "covariances");
        GaussianMixture.Problems(new GaussianMixtureOptions { Preset = "eight_gaussians", Weights = [1.0] }).Should().Contain(p => p.Param == "weights");
    }

    private static IScheduler Scheduler(string name) => name switch
    {
        "vp" => new VpSdeScheduler(new VpSdeSchedulerOptions()),
        "ve" => new VeSdeScheduler(new VeSdeSchedulerOptions { SigmaMax = 10 }),
        "subvp" => new SubVpSdeScheduler(new VpSdeSchedulerOptions()),
        _ => new LinearDiscreteScheduler(),
    };
}
