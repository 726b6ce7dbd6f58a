using System.Text.Json.Nodes;
using Diffusion.Contracts;
using Diffusion.Plugins.GanHybrid;
using Diffusion.Plugins.Sampling;
using Diffusion.Plugins.Tests.Infrastructure;
using Diffusion.Plugins.Tests.Toy2d;
using Diffusion.Plugins.Toy2d;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Plugins.Tests.GanHybrid;

public sealed class DdganTrainerTests : IDisposable
{
    private static readonly DdganGeneratorOptions Tiny = new() { SampleShape = [2], Hidden = 16, Layers = 2, LatentDim = 4, EmbeddingDim = 8, Seed = 1 };
    private static readonly DdganTrainOptions Quick = new() { Steps = 6, Batch = 16, DiscHidden = 16, DiscLayers = 1, DiscEmbeddingDim = 8, EmaDecay = 0.9, Seed = 2 };
    private readonly string folder = Directory.CreateTempSubdirectory("ddgan-tests").FullName;
    private readonly Toy2dDataset grid = new(new Toy2dDatasetOptions { Shape = ToyDistributions.GridGaussians });
    private readonly DdganScheduler chain = new(new DdganSchedulerOptions { Steps = 4 });

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Fact]
    public void The_same_seed_gives_the_same_weights_and_another_seed_does_not()
    {
        var generator = DdganGenerator.Create(Tiny, CPU);

        var first = new DdganTrainer(Quick).Train(grid, generator, chain, new DdganTrainer.Environment());
        var again = new DdganTrainer(Quick).Train(grid, generator, chain, new DdganTrainer.Environment());
        var other = new DdganTrainer(Quick with { Seed = 3 }).Train(grid, generator, chain, new DdganTrainer.Environment());

        Weights(first.Generator).Exactly(Weights(again.Generator)).Should().BeTrue();
        first.DiscriminatorLosses.Should().Equal(again.DiscriminatorLosses);
        Weights(first.Generator).Exactly(Weights(other.Generator)).Should().BeFalse();
        Weights(generator).Exactly(Weights(DdganGenerator.Create(Tiny, CPU))).Should().BeTrue("the linked generator is never trained");
    }

    [Fact]
    public void A_resumed_run_equals_the_uninterrupted_run_bit_for_bit() =>
        ResumedEqualsUninterrupted(grid, DdganGenerator.Create(Tiny, CPU), Quick with { Steps = 8, CheckpointEvery = 4, R1Every = 2, LrSchedule = "cosine" });

    [Fact]
    public void On_posterior_sampled_latents_a_resumed_run_still_equals_the_uninterrupted_run()
    {
        // dataset.encode draws the posterior noise from the trainer's generator, so the checkpointed generator state covers it.
        var latents = new EncodedDataset(new PatternDataset(8), new PoolingEncoder(), CPU, samplePosterior: true);
        var conv = DdganGenerator.Create(new DdganGeneratorOptions { SampleShape = [2, 4, 4], Channels = 4, ChannelMult = [1, 1, 1], LatentDim = 4, EmbeddingDim = 8, NumClasses = 2, Seed = 1 }, CPU);
        ResumedEqualsUninterrupted(latents, conv, Quick with { Steps = 6, Batch = 4, CheckpointEvery = 3, DiscChannels = 4 });
    }

    [Fact]
    public void The_checkpoint_loads_as_a_generator_with_its_ema_weights_and_a_denoiser_file_round_trips()
    {
        var checkpoint = Path.Combine(folder, "ck.safetensors");
        var result = new DdganTrainer(Quick).Train(grid, DdganGenerator.Create(Tiny, CPU), chain, new DdganTrainer.Environment { CheckpointPath = checkpoint });

        var header = Diffusion.Torch.SafeTensors.ReadHeader(checkpoint);
        header.Metadata["trainer"].Should().Be("ddgan");
        header.Tensors.Select(t => t.Name).Should().Contain(["network.input_proj.weight", "ema.input_proj.weight", "discriminator.input_proj.weight",
            "optimizer_g.input_proj.weight.exp_avg", "optimizer_d.input_proj.weight.step", "generator.state"]);
        Weights(DdganGenerator.Load(checkpoint, CPU)).Exactly(Weights(result.Generator)).Should().BeTrue();

        var file = Path.Combine(folder, "g.safetensors");
        result.Generator.Save(file);
        Weights(DdganGenerator.Load(file, CPU)).Exactly(Weights(result.Generator)).Should().BeTrue();
    }

    [Theory]
    [InlineData("short_generator_state", "*'generator.state'*uint8*damaged*")]
    [InlineData("unseeded_generator_state", "*'generator.state'*not a valid Mersenne Twister state*")]
    [InlineData("negative_step", "*no valid 'step'*-5*")]
    [InlineData("float_optimizer_step", "*'optimizer_d.input_proj.weight.step'*one int64*")]
    [InlineData("integer_weights", "*'discriminator.output_proj.bias'*floating point*")]
    public void A_damaged_checkpoint_is_refused_naming_the_file_and_the_entry(string damage, string message)
    {
        var checkpoint = Path.Combine(folder, "ck.safetensors");
        new DdganTrainer(Quick).Train(grid, DdganGenerator.Create(Tiny, CPU), chain, new DdganTrainer.Environment { CheckpointPath = checkpoint });
        var metadata = new Dictionary<string, string>(Diffusion.Torch.SafeTensors.ReadHeader(checkpoint).Metadata);
        var tensors = new Dictionary<string, Tensor>(Diffusion.Torch.SafeTensors.Load(checkpoint));
        var state = tensors["generator.state"].data<byte>().ToArray();
        switch (damage)
        {
            case "short_generator_state": tensors["generator.state"] = tensor(state[..100]); break;
            case "unseeded_generator_state": Array.Clear(state, 12, 4); tensors["generator.state"] = tensor(state); break;
            case "negative_step": metadata["step"] = "-5"; break;
            case "float_optimizer_step": tensors["optimizer_d.input_proj.weight.step"] = tensor(3.0); break;
            case "integer_weights": tensors["discriminator.output_proj.bias"] = tensors["discriminator.output_proj.bias"].to(ScalarType.Int32); break;
        }

        var damaged = Path.Combine(folder, "damaged.safetensors");
        Diffusion.Torch.SafeTensors.Save(damaged, tensors, metadata);
        var fresh = DdganGenerator.Create(Tiny, CPU);
        var resume = () => new DdganTrainer(Quick with { Steps = 8 }).Train(grid, fresh, chain, new DdganTrainer.Environment { ResumePath = damaged });

        resume.Should().Throw<InvalidDataException>().WithMessage(message).WithMessage($"*{damaged}*");
    }

    [Fact]
    public void A_generator_file_with_widths_outside_the_params_ranges_is_refused_before_building_the_network()
    {
        var file = Path.Combine(folder, "g.safetensors");
        var generator = DdganGenerator.Create(Tiny, CPU);
        var metadata = new Dictionary<string, string>(generator.Config) { ["format"] = DdganGenerator.DenoiserFormat, ["hidden"] = "2000000000" };
        Diffusion.Torch.SafeTensors.Save(file, generator.Network.state_dict(), metadata);

        var load = () => DdganGenerator.Load(file, CPU);

        load.Should().Throw<InvalidDataException>().WithMessage("*'hidden' = 2000000000 is outside [1, 4096]*");
    }

    [Fact]
    public void With_positional_encodings_and_two_discriminator_updates_a_resumed_run_still_equals_the_uninterrupted_run()
    {
        var generator = DdganGenerator.Create(Tiny with { FourierFeatures = 2 }, CPU);
        var checkpoint = Path.Combine(folder, "ddgan-ff.safetensors");
        var options = Quick with { Steps = 6, CheckpointEvery = 3, DSteps = 2, DiscFourierFeatures = 3 };

        var uninterrupted = new DdganTrainer(options).Train(grid, generator, chain, new DdganTrainer.Environment());
        new DdganTrainer(options with { Steps = 3 }).Train(grid, generator, chain, new DdganTrainer.Environment { CheckpointPath = checkpoint });
        var resumed = new DdganTrainer(options).Train(grid, generator, chain, new DdganTrainer.Environment { ResumePath = checkpoint });
        var oneUpdate = new DdganTrainer(options with { DSteps = 1 }).Train(grid, generator, chain, new DdganTrainer.Environment());

        Weights(resumed.Generator).Exactly(Weights(uninterrupted.Generator)).Should().BeTrue();
        resumed.DiscriminatorLosses.Should().Equal(uninterrupted.DiscriminatorLosses.Skip(3));
        oneUpdate.DiscriminatorLosses.Should().NotEqual(uninterrupted.DiscriminatorLosses, "each extra discriminator update draws a fresh batch");
        var reloaded = DdganGenerator.Load(checkpoint, CPU);
        reloaded.Options.FourierFeatures.Should().Be(2, "the octaves are part of the stored architecture");
        var otherOctaves = () => new DdganTrainer(options with { DiscFourierFeatures = 1 }).Train(grid, generator, chain, new DdganTrainer.Environment { ResumePath = checkpoint });
        otherOctaves.Should().Throw<InvalidDataException>().WithMessage("*'disc_fourier_features' is '3' in the file but '1' now*");
    }

    [Fact]
    public void Against_a_frozen_generator_the_discriminator_learns_to_tell_real_pairs_from_fake_ones()
    {
        // The check behind the pilot's diagnosis: with lr_g = 0 the generator never moves, so a discriminator that really
        // sees (x_{t-1}, x_t, t) pairs and really steps must leave chance (accuracy 0.5 on both) on the sharp grid.
        var reports = new List<NodeProgress>();
        var options = Quick with { Steps = 150, Batch = 64, LrG = 0, LrD = 2e-3, DiscHidden = 32, DiscLayers = 2, DiscFourierFeatures = 2, EmaDecay = 0 };
        var t1 = new DdganScheduler(new DdganSchedulerOptions { Steps = 1 });

        new DdganTrainer(options).Train(grid, DdganGenerator.Create(Tiny, CPU), t1, new DdganTrainer.Environment { Progress = new Recording(reports.Add) });

        var last = reports.TakeLast(20).ToList();
        last.Average(r => (r.Values!["d_real_acc"] + r.Values["d_fake_acc"]) / 2).Should().BeGreaterThan(0.8);
        last.Average(r => r.Values!["loss_d"]).Should().BeLessThan(2 * Math.Log(2) - 0.3, "a discriminator at chance has loss 2 ln 2");
        last.Average(r => r.Values!["d_logit_sd"]).Should().BeGreaterThan(10 * reports.Take(5).Average(r => r.Values!["d_logit_sd"]), "a discriminator that tells pairs apart spreads its logits");
    }

    [Theory]
    [InlineData(8)]
    [InlineData(7)] // the side of MNIST's autoencoder latents: odd sizes go 7 → 4 → 2 and back to the skips' sizes
    public void A_class_conditional_conv_generator_trains_with_r1_through_the_convolutions(int size)
    {
        var images = new PatternDataset(size);
        var conv = DdganGenerator.Create(new DdganGeneratorOptions { SampleShape = [1, size, size], Channels = 8, ChannelMult = [1, 1, 2], LatentDim = 4, EmbeddingDim = 8, NumClasses = 2, OutputTanh = true }, CPU);

        var result = new DdganTrainer(Quick with { Steps = 2, Batch = 4, DiscChannels = 4, R1Gamma = 1 }).Train(images, conv, chain, new DdganTrainer.Environment());

        result.GeneratorLosses.Should().HaveCount(2).And.OnlyContain(l => double.IsFinite(l));
        var sample = result.Generator.Forward(randn(3, 1, size, size), tensor(new[] { 3f, 3f, 3f }), new Contracts.Conditioning { ClassLabels = tensor(new long[] { 0, 1, 2 }) });
        sample.shape.Should().Equal(3, 1, size, size);
        sample.abs().max().item<float>().Should().BeLessThanOrEqualTo(1f, "output_tanh bounds x̂_0");
    }

    [Fact]
    public void A_conv_generator_with_identity_modulations_starts_blind_to_z_and_with_random_ones_does_not()
    {
        // z reaches the conv generator only through its AdaGN styles (the MLP also takes z at its input).
        var options = new DdganGeneratorOptions { SampleShape = [2, 7, 7], Channels = 4, ChannelMult = [1, 1, 1], LatentDim = 4, EmbeddingDim = 8, NumClasses = 2, Seed = 1 };
        long[] shape = [6, .. options.SampleShape.Select(v => (long)v)];
        using var random = new torch.Generator(5, CPU);
        var sample = randn(shape, generator: random);
        var time = tensor(new long[] { 0, 1, 2, 3, 0, 1 });
        var labels = tensor(new long[] { 0, 1, 0, 1, 2, 2 });
        var (z1, z2) = (randn([6, options.LatentDim], generator: random), randn([6, options.LatentDim], generator: random));

        double Spread(DdganGenerator g) => (g.Generate(sample, time, z1, labels) - g.Generate(sample, time, z2, labels)).abs().max().item<float>();

        Spread(DdganGenerator.Create(options, CPU)).Should().Be(0, "identity modulations: every norm starts as the plain norm");
        Spread(DdganGenerator.Create(options with { ModulationInit = "random" }, CPU)).Should().BeGreaterThan(1e-3, "random modulations let z change x̂_0 from the start");
        var misspelt = () => DdganGenerator.Create(options with { ModulationInit = "randon" }, CPU);
        misspelt.Should().Throw<ArgumentException>().WithMessage("*modulation_init*'identity' or 'random'*'randon'*");
    }

    [Fact]
    public void Mode_seeking_reports_the_z_spread_and_widens_it()
    {
        // The same run with and without the term (Mao et al. 2019): the term must make x̂_0 depend more on z, and only a
        // run with it reports z_spread.
        var generator = DdganGenerator.Create(Tiny with { ModulationInit = "random" }, CPU);
        var options = Quick with { Steps = 40, Batch = 32, EmaDecay = 0 };
        var with = new List<NodeProgress>();
        var without = new List<NodeProgress>();

        var seeking = new DdganTrainer(options with { ModeSeeking = 2 }).Train(grid, generator, chain, new DdganTrainer.Environment { Progress = new Recording(with.Add) });
        var plain = new DdganTrainer(options).Train(grid, generator, chain, new DdganTrainer.Environment { Progress = new Recording(without.Add) });

        with.Should().OnlyContain(r => r.Values!.ContainsKey("z_spread") && double.IsFinite(r.Values["z_spread"]));
        without.Should().OnlyContain(r => !r.Values!.ContainsKey("z_spread"));
        ZSpread(seeking.Generator).Should().BeGreaterThan(1.5 * ZSpread(plain.Generator));
    }

    [Fact]
    public async Task The_node_reports_both_losses_every_step_and_passes_the_scheduler_on()
    {
        using var context = new TestNodeContext("gan", new JsonObject { ["steps"] = 3, ["batch"] = 8, ["disc_hidden"] = 8, ["disc_layers"] = 1, ["disc_embedding_dim"] = 8 })
            .WithInput("data", grid).WithInput("generator", DdganGenerator.Create(Tiny, CPU)).WithInput("scheduler", chain);

        var outputs = await new DdganTrainNode().ExecuteAsync(context);

        outputs.Values["scheduler"].Should().BeSameAs(chain);
        outputs.Values["denoiser"].Should().BeOfType<DdganGenerator>();
        context.ProgressReports.Select(p => p.Step).Should().Equal(1, 2, 3);
        context.ProgressReports.Should().OnlyContain(p => p.Values!.ContainsKey("loss_d") && p.Values.ContainsKey("loss_g"));
        ((MetricSet)outputs.Values["metrics"]).Values["steps"].Should().Be(3);
    }

    [Fact]
    public async Task A_denoiser_that_is_not_a_ddgan_generator_is_an_error_naming_the_node()
    {
        using var context = new TestNodeContext("gan").WithInput("data", grid)
            .WithInput("generator", Mlp2dDenoiser.Create(new Mlp2dOptions { Hidden = 8, Layers = 1, TimeEmbeddingDim = 8 }, CPU)).WithInput("scheduler", chain);

        var act = () => new DdganTrainNode().ExecuteAsync(context);

        await act.Should().ThrowAsync<InvalidInputException>().WithMessage("*'gan'*Mlp2dDenoiser*denoiser.ddgan*");
    }

    [Fact]
    public void Validation_names_bad_params()
    {
        var node = new DdganTrainNode();
        Issues(node, new JsonObject { ["betas"] = new JsonArray(0.5) }).Should().ContainSingle(i => i.Pointer == "/nodes/gan/params/betas");
        Issues(node, new JsonObject { ["checkpoint_every"] = 10 }).Should().ContainSingle(i => i.Pointer == "/nodes/gan/params/checkpoint_every");
        Issues(node, new JsonObject { ["lr_d"] = 0.0 }).Should().ContainSingle(i => i.Pointer == "/nodes/gan/params/lr_d");
        Issues(node, new JsonObject { ["disc_embedding_dim"] = 7 }).Should().ContainSingle(i => i.Pointer == "/nodes/gan/params/disc_embedding_dim");
        Issues(new DdganGeneratorNode(), new JsonObject { ["sample_shape"] = new JsonArray(1, 3, 3) }).Should().ContainSingle(i => i.Pointer == "/nodes/gan/params/sample_shape");
        Issues(new DdganGeneratorNode(), new JsonObject { ["sample_shape"] = new JsonArray(4, 7, 7) }).Should().BeEmpty("odd sizes such as MNIST's 7 × 7 latents are valid");
        Issues(new DdganGeneratorNode(), new JsonObject { ["sample_shape"] = new JsonArray(2_000_000_000) }).Should().ContainSingle(i => i.Pointer == "/nodes/gan/params/sample_shape");
        Issues(node, new JsonObject { ["batch"] = 2_000_000_000 }).Should().ContainSingle(i => i.Pointer == "/nodes/gan/params/batch");
        Issues(node, new JsonObject()).Should().BeEmpty();
    }

    private void ResumedEqualsUninterrupted(IDataset data, DdganGenerator generator, DdganTrainOptions options)
    {
        var checkpoint = Path.Combine(folder, "ddgan.safetensors");
        int half = options.CheckpointEvery;
        var uninterrupted = new DdganTrainer(options).Train(data, generator, chain, new DdganTrainer.Environment());
        using var stop = new CancellationTokenSource();
        var interrupted = () => new DdganTrainer(options).Train(data, generator, chain, new DdganTrainer.Environment
        {
            CheckpointPath = checkpoint,
            CancellationToken = stop.Token,
            Progress = new Recording(report => { if (report.Step == half) { stop.Cancel(); } }),
        });
        interrupted.Should().Throw<OperationCanceledException>();
        var resumed = new DdganTrainer(options).Train(data, generator, chain, new DdganTrainer.Environment { ResumePath = checkpoint });

        resumed.FirstStep.Should().Be(half);
        resumed.DiscriminatorLosses.Should().Equal(uninterrupted.DiscriminatorLosses.Skip(half));
        resumed.GeneratorLosses.Should().Equal(uninterrupted.GeneratorLosses.Skip(half));
        Weights(resumed.Generator).Exactly(Weights(uninterrupted.Generator)).Should().BeTrue("the EMA generator continues identically");
    }

    private static IEnumerable<ValidationIssue> Issues(INodeType node, JsonObject parameters) =>
        ParamRules.Check("gan", node.Descriptor, parameters).Concat(node.Validate(new NodeValidationContext("gan", parameters, ".")));

    // ‖x̂_0(z₁) − x̂_0(z₂)‖₁ / ‖z₁ − z₂‖₁ on fixed points of the grid at every level, as the trainer's z_spread.
    private static double ZSpread(DdganGenerator generator)
    {
        using var random = new torch.Generator(11, CPU);
        var sample = randn([256, 2], generator: random) * 2;
        var time = randint(0, 4, [256], dtype: ScalarType.Int64, generator: random);
        var (z1, z2) = (randn([256, generator.LatentDim], generator: random), randn([256, generator.LatentDim], generator: random));
        using var noGrad = no_grad();
        return ((generator.Generate(sample, time, z1, null) - generator.Generate(sample, time, z2, null)).abs().mean() / (z1 - z2).abs().mean()).item<float>();
    }

    private static Tensor Weights(ITrainableDenoiser denoiser) =>
        cat(denoiser.Network.state_dict().Values.Select(t => t.flatten()).ToList(), 0);

    private sealed class Recording(Action<NodeProgress> onReport) : IProgress<NodeProgress>
    {
        public void Report(NodeProgress value) => onReport(value);
    }

    /// <summary>Two classes of size × size images (a bright left or right half), labelled.</summary>
    private sealed class PatternDataset(int size = 8) : IDataset
    {
        public DatasetInfo Info { get; } = new("patterns", [1, size, size], null, 2);

        public DataBatch Sample(int batchSize, torch.Generator generator)
        {
            var labels = randint(0, 2, [batchSize], dtype: ScalarType.Int64, generator: generator);
            var columns = arange(size).reshape(1, 1, 1, size).expand(batchSize, 1, size, size);
            var left = (columns < size / 2).to(ScalarType.Float32);
            var chosen = where(labels.reshape(-1, 1, 1, 1) == 0, left, 1 - left);
            return new DataBatch((chosen * 2) - 1, labels);
        }
    }
}
