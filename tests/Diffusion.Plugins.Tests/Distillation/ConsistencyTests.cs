using System.Text.Json.Nodes;
using Diffusion.Contracts;
using Diffusion.Plugins.Distillation;
using Diffusion.Plugins.Samplers;
using Diffusion.Plugins.Schedules;
using Diffusion.Plugins.Tests.Infrastructure;
using Diffusion.Plugins.Tests.Toy2d;
using Diffusion.Plugins.Toy2d;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Plugins.Tests.Distillation;

public sealed class ConsistencyTests : IDisposable
{
    private static readonly Mlp2dOptions Tiny = new() { Hidden = 16, Layers = 2, TimeEmbeddingDim = 8, Seed = 4 };
    private static readonly ConsistencyDistillOptions Quick = new() { Discretisation = 6, Steps = 4, Batch = 16, Lr = 1e-3, Seed = 8 };
    private readonly string folder = Directory.CreateTempSubdirectory("consistency-tests").FullName;
    private readonly Toy2dDataset moons = new(new Toy2dDatasetOptions { Shape = ToyDistributions.TwoMoons });
    private readonly DiscreteScheduler trailing = new(new DiscreteSchedulerOptions { TimestepSpacing = "trailing" });
    private readonly HeunSampler heun = new(new HeunSamplerOptions());

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Theory]
    [InlineData(PredictionType.Epsilon)]
    [InlineData(PredictionType.VPrediction)]
    public void The_consistency_function_is_the_identity_at_sigma_min(PredictionType prediction)
    {
        var network = Mlp2dDenoiser.Create(Tiny with { Prediction = prediction }, CPU);
        var model = new ConsistencyDenoiser(network, trailing, sigmaMin: 0.01, sigmaData: 0.5);
        var x = randn(5, 2) * 3;

        model.Consistency(x, full([5], 0.01, float64)).Exactly(x).Should().BeTrue("c_skip(σ_min) = 1 and c_out(σ_min) = 0 exactly");
        ConsistencyParameterisation.Coefficients(0.01, 0.01, 0.5).Should().Be((1.0, 0.0));
        model.Consistency(x, full([5], 2.0, float64)).Exactly(x).Should().BeFalse();
    }

    [Fact]
    public void Far_above_sigma_min_the_function_is_the_networks_own_denoiser()
    {
        var network = Mlp2dDenoiser.Create(Tiny, CPU);
        var model = new ConsistencyDenoiser(network, trailing, sigmaMin: 0.002, sigmaData: 0.5);
        var x = randn(4, 2) * 50;
        const double sigma = 50.0;
        double t = Sdk.DiscreteSigmas.From(trailing, "test").SigmaToT(sigma);

        // D(x; σ) = x − σ ε̂(x / sqrt(σ² + 1), t(σ)) (Karras et al. 2022, Table 1, VP column).
        var denoiser = x - (sigma * network.Forward(x / Math.Sqrt((sigma * sigma) + 1), full([4], (float)t)));
        var f = model.Consistency(x, full([4], sigma, float64));

        (f - denoiser).abs().max().item<float>().Should().BeLessThan(1e-3f * denoiser.abs().max().item<float>());
    }

    [Fact]
    public void Multistep_consistency_sampling_calls_the_model_once_per_step()
    {
        var counting = new Counting(new ConsistencyDenoiser(Mlp2dDenoiser.Create(Tiny, CPU), trailing, 0.01, 0.5));
        using var random = new Generator(2, CPU);
        foreach (var steps in new[] { 1, 2, 4 })
        {
            counting.Calls = 0;
            var result = new ConsistencySampler(new ConsistencySamplerOptions()).Sample(new SamplingRequest
            {
                Denoiser = counting,
                Scheduler = trailing,
                Schedule = trailing.CreateInferenceSchedule(steps),
                Shape = [8, 2],
                Generator = random,
            });

            counting.Calls.Should().Be(steps);
            result.FunctionEvaluations.Should().Be(steps);
        }
    }

    [Fact]
    public void The_same_seed_gives_the_same_weights_and_a_resumed_run_equals_the_uninterrupted_one()
    {
        var teacher = Mlp2dDenoiser.Create(Tiny, CPU);
        var checkpoint = Path.Combine(folder, "cd.safetensors");
        var options = Quick with { CheckpointEvery = 2, TimesPerBatch = 3 };

        var uninterrupted = new ConsistencyDistiller(options).Train(moons, teacher, heun, trailing, new ConsistencyDistiller.Environment());
        var again = new ConsistencyDistiller(options).Train(moons, teacher, heun, trailing, new ConsistencyDistiller.Environment());
        Weights(again.Network).Exactly(Weights(uninterrupted.Network)).Should().BeTrue();

        using var stop = new CancellationTokenSource();
        var interrupted = () => new ConsistencyDistiller(options).Train(moons, teacher, heun, trailing, new ConsistencyDistiller.Environment
        {
            CheckpointPath = checkpoint,
            CancellationToken = stop.Token,
            Progress = new Recording(report => { if (report.Step == 2) { stop.Cancel(); } }),
        });
        interrupted.Should().Throw<OperationCanceledException>();
        var resumed = new ConsistencyDistiller(options).Train(moons, teacher, heun, trailing, new ConsistencyDistiller.Environment { ResumePath = checkpoint });

        resumed.Losses.Should().Equal(uninterrupted.Losses.Skip(2));
        Weights(resumed.Network).Exactly(Weights(uninterrupted.Network)).Should().BeTrue("the target network θ⁻ continues identically");
        Weights(Mlp2dDenoiser.Load(checkpoint, CPU)).Exactly(Weights(uninterrupted.Network)).Should().BeFalse("the checkpoint was written at step 2");
    }

    [Fact]
    public async Task The_exported_network_reloads_as_the_same_consistency_model()
    {
        var result = new ConsistencyDistiller(Quick).Train(moons, Mlp2dDenoiser.Create(Tiny, CPU), heun, trailing, new ConsistencyDistiller.Environment());
        using var context = new TestNodeContext("save", new JsonObject { ["path"] = "cm.safetensors" }).WithInput("denoiser", result.Model);

        var file = (string)(await new SaveDenoiserNode().ExecuteAsync(context)).Values["file"];
        var header = Diffusion.Torch.SafeTensors.ReadHeader(file);
        header.Metadata["consistency_sigma_min"].Should().Be(result.Model.SigmaMin.ToString("R", System.Globalization.CultureInfo.InvariantCulture));
        var reloaded = new ConsistencyDenoiser(Mlp2dDenoiser.Load(file, CPU), trailing, result.Model.SigmaMin, 0.5);
        var x = randn(3, 2);
        reloaded.Consistency(x, full([3], 1.5, float64)).Exactly(result.Model.Consistency(x, full([3], 1.5, float64))).Should().BeTrue();
    }

    [Fact]
    public void Validation_names_bad_params()
    {
        Issues(new JsonObject { ["sigma_min"] = 0.0 }).Should().ContainSingle(i => i.Pointer == "/nodes/cd/params/sigma_min");
        Issues(new JsonObject { ["sigma_min"] = 1.0, ["sigma_max"] = 0.5 }).Should().ContainSingle(i => i.Pointer == "/nodes/cd/params/sigma_max");
        Issues(new JsonObject { ["discretisation"] = 1 }).Should().ContainSingle();
        Issues(new JsonObject { ["checkpoint_every"] = 3 }).Should().ContainSingle(i => i.Pointer == "/nodes/cd/params/checkpoint_every");
        Issues(new JsonObject()).Should().BeEmpty();
    }

    [Fact]
    public void A_stochastic_solver_is_refused()
    {
        var act = () => new ConsistencyDistiller(Quick).Train(moons, Mlp2dDenoiser.Create(Tiny, CPU), new EulerAncestralSampler(new EulerAncestralSamplerOptions()), trailing, new ConsistencyDistiller.Environment());

        act.Should().Throw<ArgumentException>().WithMessage("*stochastic*sampler.heun*");
    }

    // What `diffuse validate` reports for these params: the declared ranges and choices, then the node's own checks.
    private static IEnumerable<ValidationIssue> Issues(JsonObject parameters)
    {
        var node = new ConsistencyDistillNode();
        return ParamRules.Check("cd", node.Descriptor, parameters).Concat(node.Validate(new NodeValidationContext("cd", parameters, ".")));
    }

    private static Tensor Weights(ITrainableDenoiser denoiser) =>
        cat(denoiser.Network.state_dict().Values.Select(t => t.flatten()).ToList(), 0);

    private sealed class Recording(Action<NodeProgress> onReport) : IProgress<NodeProgress>
    {
        public void Report(NodeProgress value) => onReport(value);
    }

    private sealed class Counting(IDenoiser inner) : IDenoiser
    {
        public int Calls { get; set; }

        public DenoiserInfo Info => inner.Info;

        public Tensor Forward(Tensor sample, Tensor time, Contracts.Conditioning? conditioning = null, torch.Generator? generator = null)
        {
            Calls++;
            return inner.Forward(sample, time, conditioning, generator);
        }
    }
}
