using System.Text.Json.Nodes;
using Diffusion.Contracts;
using Diffusion.Plugins.Ddim;
using Diffusion.Plugins.Ddpm;
using Diffusion.Plugins.Distillation;
using Diffusion.Plugins.Schedules;
using Diffusion.Plugins.Tests.Infrastructure;
using Diffusion.Plugins.Tests.Toy2d;
using Diffusion.Plugins.Toy2d;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Plugins.Tests.Distillation;

public sealed class ProgressiveDistillerTests : IDisposable
{
    private static readonly Mlp2dOptions Tiny = new() { Hidden = 16, Layers = 2, TimeEmbeddingDim = 8, Seed = 4 };
    private static readonly ProgressiveDistillOptions Quick = new() { TeacherSteps = 8, StudentSteps = 2, StepsPerRound = 3, Batch = 16, Lr = 1e-3, Seed = 6 };
    private readonly string folder = Directory.CreateTempSubdirectory("distill-tests").FullName;
    private readonly Toy2dDataset moons = new(new Toy2dDatasetOptions { Shape = ToyDistributions.TwoMoons });
    private readonly DiscreteScheduler trailing = new(new DiscreteSchedulerOptions { TimestepSpacing = "trailing" });
    private readonly DdimSampler ddim = new(new DdimSamplerOptions { ClipSample = false, PreviousTimestep = DdimPreviousTimestep.Next });

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Fact]
    public void Rounds_halve_the_teachers_steps_down_to_the_students()
    {
        ProgressiveDistiller.RoundsOf(64, 8).Should().Be(3);
        ProgressiveDistiller.RoundsOf(2, 1).Should().Be(1);
        ProgressiveDistiller.RoundsOf(8, 8).Should().BeNull();
        ProgressiveDistiller.RoundsOf(12, 2).Should().BeNull("12 -> 6 -> 3 never reaches 2");
    }

    [Fact]
    public void The_student_is_a_v_prediction_copy_of_the_teachers_network_and_the_same_seed_gives_the_same_weights()
    {
        var teacher = Mlp2dDenoiser.Create(Tiny, CPU);

        var first = new ProgressiveDistiller(Quick).Train(moons, teacher, ddim, trailing, new ProgressiveDistiller.Environment());
        var again = new ProgressiveDistiller(Quick).Train(moons, teacher, ddim, trailing, new ProgressiveDistiller.Environment());
        var other = new ProgressiveDistiller(Quick with { Seed = 7 }).Train(moons, teacher, ddim, trailing, new ProgressiveDistiller.Environment());

        first.Student.Info.Prediction.Should().Be(PredictionType.VPrediction);
        first.Student.Config["prediction"].Should().Be("v_prediction");
        first.Student.Config["hidden"].Should().Be("16");
        first.Losses.Should().HaveCount(6).And.Equal(again.Losses);
        Weights(first.Student).Exactly(Weights(again.Student)).Should().BeTrue();
        Weights(first.Student).Exactly(Weights(other.Student)).Should().BeFalse();
        Weights(teacher).Exactly(Weights(Mlp2dDenoiser.Create(Tiny, CPU))).Should().BeTrue("the teacher is never trained");
    }

    [Fact]
    public void A_checkpoint_with_a_damaged_generator_state_is_refused_before_libtorch_sees_it()
    {
        var teacher = Mlp2dDenoiser.Create(Tiny, CPU);
        var checkpoint = Path.Combine(folder, "distill.safetensors");
        new ProgressiveDistiller(Quick).Train(moons, teacher, ddim, trailing, new ProgressiveDistiller.Environment { CheckpointPath = checkpoint });
        var metadata = new Dictionary<string, string>(Diffusion.Torch.SafeTensors.ReadHeader(checkpoint).Metadata);
        var tensors = new Dictionary<string, Tensor>(Diffusion.Torch.SafeTensors.Load(checkpoint))
        {
            ["generator.state"] = tensor(new byte[] { 1, 2, 3 }),
        };
        Diffusion.Torch.SafeTensors.Save(checkpoint, tensors, metadata);

        var resume = () => new ProgressiveDistiller(Quick).Train(moons, teacher, ddim, trailing, new ProgressiveDistiller.Environment { ResumePath = checkpoint });

        resume.Should().Throw<InvalidDataException>().WithMessage("train.distill: tensor 'generator.state'*uint8*damaged*");
    }

    [Fact]
    public void A_run_resumed_in_its_second_round_equals_the_uninterrupted_run_bit_for_bit()
    {
        var teacher = Mlp2dDenoiser.Create(Tiny, CPU);
        var checkpoint = Path.Combine(folder, "distill.safetensors");
        var options = Quick with { StepsPerRound = 4, CheckpointEvery = 1, EmaDecay = 0.5, TimesPerBatch = 2 };

        var uninterrupted = new ProgressiveDistiller(options).Train(moons, teacher, ddim, trailing, new ProgressiveDistiller.Environment());
        foreach (var stopAt in new[] { 4, 6 })
        {
            // Step 4 ends the first round (the resume must switch teachers); step 6 is inside the second.
            using var stop = new CancellationTokenSource();
            var interrupted = () => new ProgressiveDistiller(options).Train(moons, teacher, ddim, trailing, new ProgressiveDistiller.Environment
            {
                CheckpointPath = checkpoint,
                CancellationToken = stop.Token,
                Progress = new Recording(report => { if (report.Step == stopAt) { stop.Cancel(); } }),
            });
            interrupted.Should().Throw<OperationCanceledException>();
            var resumed = new ProgressiveDistiller(options).Train(moons, teacher, ddim, trailing, new ProgressiveDistiller.Environment { ResumePath = checkpoint });

            resumed.FirstStep.Should().Be(stopAt);
            resumed.Losses.Should().Equal(uninterrupted.Losses.Skip(stopAt));
            Weights(resumed.Student).Exactly(Weights(uninterrupted.Student)).Should().BeTrue();
        }
    }

    [Fact]
    public void The_checkpoint_loads_with_denoiser_mlp2d_as_the_v_prediction_student()
    {
        var checkpoint = Path.Combine(folder, "student.safetensors");
        var result = new ProgressiveDistiller(Quick).Train(moons, Mlp2dDenoiser.Create(Tiny, CPU), ddim, trailing, new ProgressiveDistiller.Environment { CheckpointPath = checkpoint });

        var loaded = Mlp2dDenoiser.Load(checkpoint, CPU);
        loaded.Info.Prediction.Should().Be(PredictionType.VPrediction);
        Weights(loaded).Exactly(Weights(result.Student)).Should().BeTrue();
        Diffusion.Torch.SafeTensors.ReadHeader(checkpoint).Tensors.Select(t => t.Name).Should().Contain(n => n.StartsWith("teacher.", StringComparison.Ordinal), "the second round's teacher is the first round's student");
    }

    [Fact]
    public void A_stochastic_teacher_sampler_and_a_leading_schedule_are_refused_with_advice()
    {
        var teacher = Mlp2dDenoiser.Create(Tiny, CPU);
        var stochastic = () => new ProgressiveDistiller(Quick).Train(moons, teacher, new DdpmSampler(new DdpmSamplerOptions()), trailing, new ProgressiveDistiller.Environment());
        stochastic.Should().Throw<ArgumentException>().WithMessage("*stochastic*sampler.ddim*");

        var leading = new DiscreteScheduler(new DiscreteSchedulerOptions { NumTrainTimesteps = 1000, TimestepSpacing = "leading", StepsOffset = 1 });
        var mismatched = () => new ProgressiveDistiller(Quick).Train(moons, teacher, ddim, leading, new ProgressiveDistiller.Environment());
        mismatched.Should().Throw<ArgumentException>().WithMessage("*timestep_spacing trailing*");
    }

    [Fact]
    public void Validation_names_bad_params()
    {
        Issues(new JsonObject { ["teacher_steps"] = 64, ["student_steps"] = 6 }).Should().ContainSingle(i => i.Pointer == "/nodes/pd/params/student_steps" && i.Message.Contains("halved"));
        Issues(new JsonObject { ["checkpoint_every"] = 5 }).Should().ContainSingle(i => i.Pointer == "/nodes/pd/params/checkpoint_every");
        Issues(new JsonObject { ["batch"] = 4, ["times_per_batch"] = 8 }).Should().ContainSingle(i => i.Pointer == "/nodes/pd/params/times_per_batch");
        Issues(new JsonObject { ["weighting"] = "snr" }).Should().ContainSingle();
        Issues(new JsonObject()).Should().BeEmpty();
    }

    [Fact]
    public async Task The_node_outputs_the_student_and_reports_progress_per_step()
    {
        using var context = new TestNodeContext("pd", new JsonObject { ["teacher_steps"] = 4, ["student_steps"] = 2, ["steps_per_round"] = 2, ["batch"] = 8 })
            .WithInput("data", moons).WithInput("teacher", Mlp2dDenoiser.Create(Tiny, CPU)).WithInput("scheduler", trailing).WithInput("sampler", ddim);

        var outputs = await new ProgressiveDistillNode().ExecuteAsync(context);

        ((IDenoiser)outputs.Values["denoiser"]).Info.Prediction.Should().Be(PredictionType.VPrediction);
        context.ProgressReports.Select(p => p.Step).Should().Equal(1, 2);
        ((MetricSet)outputs.Values["metrics"]).Values["rounds"].Should().Be(1);
    }

    // What `diffuse validate` reports for these params: the declared ranges and choices, then the node's own checks.
    private static IEnumerable<ValidationIssue> Issues(JsonObject parameters)
    {
        var node = new ProgressiveDistillNode();
        return ParamRules.Check("pd", node.Descriptor, parameters).Concat(node.Validate(new NodeValidationContext("pd", parameters, ".")));
    }

    private static Tensor Weights(ITrainableDenoiser denoiser) =>
        cat(denoiser.Network.state_dict().Values.Select(t => t.flatten()).ToList(), 0);

    private sealed class Recording(Action<NodeProgress> onReport) : IProgress<NodeProgress>
    {
        public void Report(NodeProgress value) => onReport(value);
    }
}
