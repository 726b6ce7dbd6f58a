using System.Text.Json.Nodes;
using Diffusion.Contracts;
using Diffusion.Plugins.Tests.Infrastructure;
using Diffusion.Plugins.Tests.Toy2d;
using Diffusion.Plugins.Toy2d;
using Diffusion.Plugins.Training;
using FluentAssertions;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Diffusion.Plugins.Tests.Training;

public sealed class DenoisingTrainerTests : IDisposable
{
    private static readonly Mlp2dOptions Tiny = new() { Hidden = 32, Layers = 2, TimeEmbeddingDim = 16, Seed = 1 };
    private readonly string folder = Directory.CreateTempSubdirectory("trainer-tests").FullName;
    private readonly Toy2dDataset moons = new(new Toy2dDatasetOptions { Shape = ToyDistributions.TwoMoons });
    private readonly LinearTestScheduler scheduler = new();

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Theory]
    [InlineData("epsilon", 0.8)]
    [InlineData("v_prediction", 0.97)] // the v target keeps an irreducible part of order 1 on this data
    [InlineData("sample", 0.8)]
    [InlineData("score", 0.8)]
    public void Two_hundred_steps_reduce_the_loss_and_leave_the_input_unchanged(string prediction, double factor)
    {
        var denoiser = Mlp2dDenoiser.Create(Tiny with { Prediction = OptionsJson.Parse<PredictionType>(prediction, "test") }, CPU);
        var before = denoiser.Network.state_dict()["input_proj.weight"].clone();

        var result = new DenoisingTrainer(new DenoisingTrainOptions { Steps = 200, Batch = 128, Lr = 3e-3, EmaDecay = 0 })
            .Train(moons, denoiser, scheduler, new DenoisingTrainer.Environment());

        result.Losses.Should().HaveCount(200);
        result.Losses.Skip(180).Average().Should().BeLessThan(factor * result.Losses.Take(20).Average());
        denoiser.Network.state_dict()["input_proj.weight"].Exactly(before).Should().BeTrue();
        result.Denoiser.Should().NotBeSameAs(denoiser);
        result.Denoiser.Network.training.Should().BeFalse();
    }

    [Fact]
    public void The_trained_ema_denoiser_samples_without_autograd()
    {
        var result = new DenoisingTrainer(new DenoisingTrainOptions { Steps = 5, Batch = 16, EmaDecay = 0.9 })
            .Train(moons, Mlp2dDenoiser.Create(Tiny, CPU), scheduler, new DenoisingTrainer.Environment());

        result.Denoiser.Network.training.Should().BeFalse("the EMA shadow is what samplers get");
        result.Denoiser.Forward(randn(4, 2), tensor(new long[] { 1, 2, 3, 4 })).requires_grad.Should().BeFalse();
    }

    [Fact]
    public void Resuming_a_checkpoint_continues_at_its_step_with_the_uninterrupted_runs_losses()
    {
        var denoiser = Mlp2dDenoiser.Create(Tiny, CPU);
        var checkpoint = Path.Combine(folder, "train.safetensors");
        var options = new DenoisingTrainOptions { Steps = 20, Batch = 32, EmaDecay = 0.99, Seed = 5 };

        var uninterrupted = new DenoisingTrainer(options).Train(moons, denoiser, scheduler, new DenoisingTrainer.Environment());
        new DenoisingTrainer(options with { Steps = 10 }).Train(moons, denoiser, scheduler, new DenoisingTrainer.Environment { CheckpointPath = checkpoint });
        var resumed = new DenoisingTrainer(options).Train(moons, denoiser, scheduler, new DenoisingTrainer.Environment { ResumePath = checkpoint });

        resumed.FirstStep.Should().Be(10);
        resumed.Losses.Should().HaveCount(10);
        resumed.Losses[0].Should().Be(uninterrupted.Losses[10]);
        resumed.Losses.Should().Equal(uninterrupted.Losses.Skip(10));
        resumed.Denoiser.Network.state_dict()["output_proj.weight"]
            .Exactly(uninterrupted.Denoiser.Network.state_dict()["output_proj.weight"]).Should().BeTrue("EMA weights continue identically");
    }

    [Fact]
    public void The_optimizers_learning_rate_follows_the_warm_up_and_cosine_schedule()
    {
        var reports = new List<NodeProgress>();
        var options = new DenoisingTrainOptions { Steps = 6, Batch = 8, Lr = 1e-2, LrSchedule = "cosine", LrWarmupSteps = 2, LrMinRatio = 0.1, EmaDecay = 0 };

        new DenoisingTrainer(options).Train(moons, Mlp2dDenoiser.Create(Tiny, CPU), scheduler, new DenoisingTrainer.Environment { Progress = new RecordingProgress(reports) });

        // By hand: warm-up 0/2, 1/2; then 0.1 + 0.9 · ½ · (1 + cos(π · p)) at p = 0, 1/4, 1/2, 3/4 of the 4 cosine steps.
        var halfRoot2 = Math.Sqrt(2) / 2;
        double[] factors = [0, 0.5, 1, 0.1 + (0.45 * (1 + halfRoot2)), 0.55, 0.1 + (0.45 * (1 - halfRoot2))];
        reports.Select(r => r.Values!["lr"]).Should().Equal(factors.Select(f => 1e-2 * f), (actual, expected) => Math.Abs(actual - expected) < 1e-12);
    }

    [Fact]
    public void A_first_step_at_the_start_of_the_warm_up_does_not_move_the_weights()
    {
        var denoiser = Mlp2dDenoiser.Create(Tiny, CPU);
        var options = new DenoisingTrainOptions { Steps = 1, Batch = 8, Lr = 1e-2, WeightDecay = 0.1, EmaDecay = 0 };

        var warmingUp = new DenoisingTrainer(options with { LrWarmupSteps = 1 }).Train(moons, denoiser, scheduler, new DenoisingTrainer.Environment());
        var constant = new DenoisingTrainer(options).Train(moons, denoiser, scheduler, new DenoisingTrainer.Environment());

        var initial = denoiser.Network.state_dict()["input_proj.weight"];
        warmingUp.Denoiser.Network.state_dict()["input_proj.weight"].Exactly(initial).Should().BeTrue("the step ran at lr 0");
        constant.Denoiser.Network.state_dict()["input_proj.weight"].Exactly(initial).Should().BeFalse("the same step at lr 1e-2 moves them");
    }

    [Fact]
    public void Resuming_mid_cosine_continues_the_schedule_and_matches_the_uninterrupted_run_exactly()
    {
        var denoiser = Mlp2dDenoiser.Create(Tiny, CPU);
        var checkpoint = Path.Combine(folder, "cosine.safetensors");
        var options = new DenoisingTrainOptions
        {
            Steps = 20, Batch = 32, EmaDecay = 0.99, Seed = 5, Lr = 3e-3,
            LrSchedule = "cosine", LrWarmupSteps = 5, LrMinRatio = 0.05, CheckpointEvery = 10,
        };
        var uninterruptedReports = new List<NodeProgress>();
        var uninterrupted = new DenoisingTrainer(options).Train(moons, denoiser, scheduler, new DenoisingTrainer.Environment { Progress = new RecordingProgress(uninterruptedReports) });

        // Interrupt the same 20-step run after the step-10 checkpoint, so the schedule was computed over 20 steps.
        using var stop = new CancellationTokenSource();
        var interrupted = () => new DenoisingTrainer(options).Train(moons, denoiser, scheduler, new DenoisingTrainer.Environment
        {
            CheckpointPath = checkpoint,
            CancellationToken = stop.Token,
            Progress = new RecordingProgress([], report => { if (report.Step == 10) { stop.Cancel(); } }),
        });
        interrupted.Should().Throw<OperationCanceledException>();
        var resumedReports = new List<NodeProgress>();
        var resumed = new DenoisingTrainer(options).Train(moons, denoiser, scheduler, new DenoisingTrainer.Environment { ResumePath = checkpoint, Progress = new RecordingProgress(resumedReports) });

        resumed.FirstStep.Should().Be(10);
        resumedReports.Select(r => r.Values!["lr"]).Should().Equal(uninterruptedReports.Skip(10).Select(r => r.Values!["lr"]));
        resumedReports[0].Values!["lr"].Should().BeLessThan(3e-3).And.BeGreaterThan(0.05 * 3e-3, "step 10 is inside the cosine");
        resumed.Losses.Should().Equal(uninterrupted.Losses.Skip(10));
        resumed.Denoiser.Network.state_dict()["output_proj.weight"]
            .Exactly(uninterrupted.Denoiser.Network.state_dict()["output_proj.weight"]).Should().BeTrue("EMA weights continue identically");
    }

    [Fact]
    public void Validation_names_a_warm_up_longer_than_the_run_and_a_floor_outside_zero_to_one()
    {
        var node = new DenoisingTrainNode();

        node.Validate(new NodeValidationContext("train", new JsonObject { ["steps"] = 100, ["lr_schedule"] = "cosine", ["lr_warmup_steps"] = 100, ["lr_min_ratio"] = 0.05 }, "."))
            .Should().BeEmpty();
        node.Validate(new NodeValidationContext("train", new JsonObject { ["steps"] = 100, ["lr_warmup_steps"] = 101 }, "."))
            .Should().ContainSingle(i => i.Pointer == "/nodes/train/params/lr_warmup_steps" && i.Message.Contains("steps (100)"));
        node.Validate(new NodeValidationContext("train", new JsonObject { ["lr_min_ratio"] = -0.1 }, "."))
            .Should().ContainSingle(i => i.Pointer == "/nodes/train/params/lr_min_ratio" && i.Message.Contains("[0, 1]"));
    }

    [Fact]
    public void Checkpoint_holds_the_documented_tensor_names_and_loads_as_a_denoiser()
    {
        var checkpoint = Path.Combine(folder, "ck.safetensors");
        new DenoisingTrainer(new DenoisingTrainOptions { Steps = 3, Batch = 8 })
            .Train(moons, Mlp2dDenoiser.Create(Tiny, CPU), scheduler, new DenoisingTrainer.Environment { CheckpointPath = checkpoint });

        var header = Diffusion.Torch.SafeTensors.ReadHeader(checkpoint);
        header.Metadata["step"].Should().Be("3");
        header.Metadata["format"].Should().Be(TrainingCheckpoint.Format);
        header.Tensors.Select(t => t.Name).Should().Contain(
            ["network.input_proj.weight", "ema.input_proj.weight", "optimizer.input_proj.weight.exp_avg", "optimizer.input_proj.weight.exp_avg_sq", "optimizer.input_proj.weight.step", "generator.state"]);
        Mlp2dDenoiser.Load(checkpoint, CPU).Options.Hidden.Should().Be(32);
    }

    [Fact]
    public void Label_dropout_replaces_the_given_fraction_of_labels_by_the_null_label()
    {
        var recorded = new List<long>();
        var denoiser = new RecordingDenoiser(Mlp2dDenoiser.Create(Tiny with { NumClasses = 2 }, CPU), recorded);

        new DenoisingTrainer(new DenoisingTrainOptions { Steps = 20, Batch = 256, LabelDropout = 0.3 })
            .Train(moons, denoiser, scheduler, new DenoisingTrainer.Environment());

        recorded.Should().HaveCount(20 * 256);
        recorded.Should().OnlyContain(label => label >= 0 && label <= 2);
        recorded.Count(label => label == 2).Should().BeCloseTo(20 * 256 * 3 / 10, 200);
        recorded.Count(label => label == 0).Should().BeCloseTo(20 * 256 * 35 / 100, 200);
    }

    [Fact]
    public async Task The_node_reports_progress_every_step_and_outputs_a_trained_denoiser_and_metrics()
    {
        using var context = new TestNodeContext("train", new JsonObject { ["steps"] = 5, ["batch"] = 16 })
            .WithInput("data", moons)
            .WithInput("denoiser", Mlp2dDenoiser.Create(Tiny, CPU))
            .WithInput("scheduler", scheduler);

        var outputs = await new DenoisingTrainNode().ExecuteAsync(context);

        outputs.Values["denoiser"].Should().BeAssignableTo<ITrainableDenoiser>();
        var metrics = (MetricSet)outputs.Values["metrics"];
        metrics.Values["steps"].Should().Be(5);
        metrics.Values.Keys.Should().Contain(["loss", "it_per_s"]);
        context.ProgressReports.Select(p => p.Step).Should().Equal(1, 2, 3, 4, 5);
        context.ProgressReports.Should().OnlyContain(p => p.Values!.ContainsKey("loss") && p.Values.ContainsKey("it_per_s"));
        context.ProgressReports.Should().OnlyContain(p => p.Values!["lr"] == 1e-3, "the default schedule is a constant lr");
    }

    [Fact]
    public async Task A_denoiser_that_cannot_train_is_an_error_naming_the_node()
    {
        using var context = new TestNodeContext("fit")
            .WithInput("data", moons)
            .WithInput("denoiser", new FrozenDenoiser())
            .WithInput("scheduler", scheduler);

        var act = () => new DenoisingTrainNode().ExecuteAsync(context);

        await act.Should().ThrowAsync<ArgumentException>().WithMessage("*'fit'*FrozenDenoiser*cannot be trained*");
    }

    [Fact]
    public void Cancellation_stops_the_loop()
    {
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        var act = () => new DenoisingTrainer(new DenoisingTrainOptions { Steps = 5 })
            .Train(moons, Mlp2dDenoiser.Create(Tiny, CPU), scheduler, new DenoisingTrainer.Environment { CancellationToken = cancelled.Token });

        act.Should().Throw<OperationCanceledException>();
    }

    /// <summary>Records reports as they happen (Progress&lt;T&gt; would post them later) and runs an optional action.</summary>
    private sealed class RecordingProgress(List<NodeProgress> reports, Action<NodeProgress>? onReport = null) : IProgress<NodeProgress>
    {
        public void Report(NodeProgress value)
        {
            reports.Add(value);
            onReport?.Invoke(value);
        }
    }

    private sealed class FrozenDenoiser : IDenoiser
    {
        public DenoiserInfo Info { get; } = new() { Prediction = PredictionType.Epsilon, SampleShape = [2] };

        public Tensor Forward(Tensor sample, Tensor time, Diffusion.Contracts.Conditioning? conditioning = null, torch.Generator? generator = null) => zeros_like(sample);
    }

    /// <summary>Records the class labels the trainer passes, delegating everything else.</summary>
    private sealed class RecordingDenoiser(ITrainableDenoiser inner, List<long> labels) : ITrainableDenoiser
    {
        public DenoiserInfo Info => inner.Info;

        public nn.Module Network => inner.Network;

        public IReadOnlyDictionary<string, string> Config => inner.Config;

        public Tensor Forward(Tensor sample, Tensor time, Diffusion.Contracts.Conditioning? conditioning = null, torch.Generator? generator = null)
        {
            if (conditioning?.ClassLabels is { } given)
            {
                labels.AddRange(given.data<long>().ToArray());
            }

            return inner.Forward(sample, time, conditioning);
        }

        public ITrainableDenoiser Replicate(Device device) => new RecordingDenoiser(inner.Replicate(device), labels);
    }
}
