using System.Text.Json.Nodes;
using Diffusion.Contracts;
using Diffusion.Plugins.ScoreSde;
using Diffusion.Plugins.Tests.Infrastructure;
using Diffusion.Torch;
using FluentAssertions;
using TorchSharp;
using Xunit;
using Xunit.Abstractions;

namespace Diffusion.Plugins.Tests.ScoreSde;

/// <summary>
/// scheduler.ve + sampler.pc, built from the diffusers mapping of the sde_ve_100 fixture's config, reproduce diffusers'
/// ScoreSdeVeScheduler trajectory: every prev_sample and the final prev_sample_mean.
/// </summary>
public sealed class SdeVeParityTests(ITestOutputHelper output)
{
    [Fact]
    public void Sde_ve_100_matches_diffusers_step_by_step()
    {
        var fixture = JsonNode.Parse(File.ReadAllText(Fixtures.RepositoryPath("schedulers", "sde_ve_100.json")))!.AsObject();
        var reference = SafeTensors.Load(Fixtures.RepositoryPath("schedulers", "sde_ve_100.safetensors"));
        int steps = fixture["num_inference_steps"]!.GetValue<int>();
        long[] shape = [.. fixture["shape"]!.AsArray().Select(n => n!.GetValue<long>())];

        var pair = new ScoreSdeVeDiffusersMapping().Map("ScoreSdeVeScheduler", fixture["config"]!.AsObject());
        pair.Scheduler.Type.Should().Be("scheduler.ve");
        pair.Sampler.Type.Should().Be("sampler.pc");
        var scheduler = new VeSdeScheduler(NodeType<VeSdeSchedulerOptions>.Bind(pair.Scheduler.Params));
        var sampler = new PredictorCorrectorSampler(NodeType<PredictorCorrectorOptions>.Bind(pair.Sampler.Params));

        var schedule = scheduler.CreateInferenceSchedule(steps);
        var expectedTimes = reference["timesteps"].to_type(torch.ScalarType.Float64).data<double>().ToArray();
        schedule.Timesteps.Should().Equal(expectedTimes);
        var expectedSigmas = reference["sigmas"].to_type(torch.ScalarType.Float64).data<double>().ToArray();
        schedule.Sigmas.Take(steps).Should().Equal(expectedSigmas, (a, e) => Math.Abs(a - e) <= 1e-6 * e);

        double sigmaMax = fixture["config"]!["sigma_max"]!.GetValue<double>();
        using var initial = torch.randn(shape, torch.ScalarType.Float32, generator: new torch.Generator(0, torch.CPU)) * sigmaMax;
        var samples = new List<torch.Tensor>();
        var request = new SamplingRequest
        {
            Denoiser = new ScoreStandIn([.. shape.Skip(1)]),
            Scheduler = scheduler,
            Schedule = scheduler.CreateInferenceSchedule(steps),
            Shape = shape,
            InitialSample = initial,
            Generator = new torch.Generator(1, torch.CPU),
            OnStep = step => samples.Add(step.Sample.detach().clone()),
        };

        var result = sampler.Sample(request);

        samples.Should().HaveCount(steps);
        var expected = reference["samples"];
        double worst = 0;
        for (int i = 0; i < steps; i++)
        {
            var want = expected[i];
            double scale = Math.Max(1.0, want.abs().max().item<float>());
            double error = (samples[i] - want).abs().max().item<float>() / scale;
            worst = Math.Max(worst, error);
            error.Should().BeLessThan(1e-4, $"prev_sample of step {i} (relative to max |x| = {scale:G4})");
        }

        double finalError = (result.Samples - reference["final_mean"]).abs().max().item<float>();
        output.WriteLine($"worst per-step error (relative to max(1, max|x|)) {worst:G3}; final prev_sample_mean max abs error {finalError:G3}");
        finalError.Should().BeLessThan(1e-4);
        result.FunctionEvaluations.Should().Be(2 * steps, "one corrector and one predictor evaluation per step");
    }

    /// <summary>diffusers' stand-in for the fixture: score = −x / (1 + σ²), in float64, for a model that takes σ.</summary>
    private sealed class ScoreStandIn(long[] sampleShape) : IDenoiser
    {
        public DenoiserInfo Info { get; } = new() { Prediction = PredictionType.Score, TimeInput = TimeInput.Sigma, SampleShape = sampleShape };

        public torch.Tensor Forward(torch.Tensor sample, torch.Tensor time, Diffusion.Contracts.Conditioning? conditioning = null, torch.Generator? generator = null)
        {
            using var scope = torch.NewDisposeScope();
            var sigma = time.to_type(torch.ScalarType.Float64).reshape(-1, 1, 1, 1);
            var score = -sample.to_type(torch.ScalarType.Float64) / (1 + sigma.square());
            return score.to_type(sample.dtype).MoveToOuterDisposeScope();
        }
    }
}
