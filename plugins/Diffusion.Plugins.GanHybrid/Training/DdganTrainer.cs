using System.Diagnostics;
using System.Globalization;
using Diffusion.Contracts;
using Diffusion.Torch;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Diffusion.Plugins.GanHybrid;

/// <summary>
/// Adversarial training of a Denoising Diffusion GAN (Xiao, Kreis, Vahdat 2022, Sec. 3 and Algorithm 1; the authors'
/// train_ddgan.py). Each step, from one CPU generator in this order: for each of the d_steps discriminator updates a data
/// batch x_0, timesteps t ~ U{0..T−1}, the pair noises ε₁, ε₂ (x_{t−1} ~ q(x_{t−1} | x_0), x_t ~ q(x_t | x_{t−1})), the
/// latent z and the posterior noise (R1 only on the first of them); for the generator update new t, ε₁, ε₂, z and
/// posterior noise with the last x_0 (as the authors reuse the batch). Discriminator loss: softplus(−D(x_{t−1}, x_t, t)) on real pairs plus softplus(D(x'_{t−1}, x_t, t))
/// on fake pairs x'_{t−1} ~ q(x_{t−1} | x_t, x̂_0 = G(x_t, z, t)), plus the R1 penalty γ/2 ‖∇_{x_{t−1}} D‖² on real pairs
/// (Mescheder et al. 2018); generator loss: the non-saturating softplus(−D(x'_{t−1}, x_t, t)) (Goodfellow et al. 2014).
/// Both with Adam (AdamW without decay); the generator's EMA is the output. One dispose scope per step.
/// </summary>
public sealed class DdganTrainer
{
    private readonly DdganTrainOptions options;

    /// <summary>Creates a trainer for validated options.</summary>
    public DdganTrainer(DdganTrainOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Betas.Length != 2)
        {
            throw new ArgumentException($"train.ddgan: betas must be [beta1, beta2], got {options.Betas.Length} values.", nameof(options));
        }

        this.options = options;
    }

    /// <summary>Where and how a run reports; every member is optional.</summary>
    public sealed record Environment
    {
        /// <summary>Device of the training copies.</summary>
        public Device Device { get; init; } = CPU;

        /// <summary>Step progress (loss_d, loss_g, r1, d_real_acc, d_fake_acc, d_logit_sd, it_per_s, and z_spread with mode seeking on).</summary>
        public IProgress<NodeProgress>? Progress { get; init; }

        /// <summary>Checked every step.</summary>
        public CancellationToken CancellationToken { get; init; }

        /// <summary>Logs.</summary>
        public ILogger Logger { get; init; } = NullLogger.Instance;

        /// <summary>Checkpoint file (resolved), or null.</summary>
        public string? CheckpointPath { get; init; }

        /// <summary>Checkpoint to resume from (resolved), or null.</summary>
        public string? ResumePath { get; init; }

        /// <summary>A name for messages, e.g. the node id.</summary>
        public string Label { get; init; } = "train.ddgan";
    }

    /// <summary>What a run produced: the output generator (EMA when on) and both losses of every step run.</summary>
    public sealed record Result(DdganGenerator Generator, IReadOnlyList<double> DiscriminatorLosses, IReadOnlyList<double> GeneratorLosses, long FirstStep, double Seconds);

    /// <summary>Trains a replicate of <paramref name="generator"/>; the input itself is never changed.</summary>
    public Result Train(IDataset data, DdganGenerator generator, IScheduler scheduler, Environment environment)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(generator);
        ArgumentNullException.ThrowIfNull(scheduler);
        ArgumentNullException.ThrowIfNull(environment);
        CheckData(data, generator, environment.Label);
        var posterior = new PosteriorCoefficients(scheduler.AlphasCumprod);
        bool conditional = generator.Info.NumClasses > 0;

        var model = (DdganGenerator)generator.Replicate(environment.Device);
        model.Network.train();
        var emaModel = options.EmaDecay > 0 ? (DdganGenerator)generator.Replicate(environment.Device) : null;
        var ema = emaModel is null ? null : new WeightAverage(emaModel.Network, options.EmaDecay);
        var (discriminator, discriminatorConfig) = CreateDiscriminator(generator, environment.Device);
        var generatorParameters = model.Network.named_parameters().ToList();
        var discriminatorParameters = discriminator.named_parameters().ToList();
        using var optimizerG = new AdamW(generatorParameters.Select(p => p.parameter).ToList(), options.LrG, options.Betas[0], options.Betas[1], 1e-8, 0);
        using var optimizerD = new AdamW(discriminatorParameters.Select(p => p.parameter).ToList(), options.LrD, options.Betas[0], options.Betas[1], 1e-8, 0);
        using var random = new Generator((ulong)options.Seed, CPU);
        var state = new DdganCheckpoint.State(model, ema, discriminator, optimizerG, [.. generatorParameters.Select(p => p.name)],
            optimizerD, [.. discriminatorParameters.Select(p => p.name)], random, discriminatorConfig);

        long step = 0;
        if (environment.ResumePath is not null)
        {
            step = DdganCheckpoint.Restore(environment.ResumePath, state);
            environment.Logger.LogInformation("{Label}: resumed from {Path} at step {Step}.", environment.Label, environment.ResumePath, step);
        }

        var firstStep = step;
        var lossesD = new List<double>();
        var lossesG = new List<double>();
        var clock = Stopwatch.StartNew();
        while (step < options.Steps)
        {
            environment.CancellationToken.ThrowIfCancellationRequested();
            double factor = LearningRateFactor(step);
            SetLearningRate(optimizerG, options.LrG * factor);
            SetLearningRate(optimizerD, options.LrD * factor);
            StepLosses losses;
            using (NewDisposeScope())
            {
                losses = Step(data, model, discriminator, posterior, scheduler, optimizerG, optimizerD, random, conditional, step % options.R1Every == 0, environment.Device);
            }

            step++;
            ema?.Update(model.Network);
            NativeObjectReclaimer.AfterStep((int)step);
            lossesD.Add(losses.LossD);
            lossesG.Add(losses.LossG);
            if (!double.IsFinite(losses.LossD) || !double.IsFinite(losses.LossG))
            {
                throw new InvalidOperationException($"{environment.Label}: a loss became non-finite at step {step} (D {losses.LossD}, G {losses.LossG}); lower lr_g/lr_d or raise r1_gamma.");
            }

            var itPerSecond = lossesD.Count / Math.Max(clock.Elapsed.TotalSeconds, 1e-9);
            var values = new Dictionary<string, double>
            {
                ["loss_d"] = losses.LossD,
                ["loss_g"] = losses.LossG,
                ["r1"] = losses.R1,
                ["d_real_acc"] = losses.RealAccuracy,
                ["d_fake_acc"] = losses.FakeAccuracy,
                ["d_logit_sd"] = losses.LogitSpread,
                ["it_per_s"] = itPerSecond,
            };
            if (!double.IsNaN(losses.ZSpread))
            {
                values["z_spread"] = losses.ZSpread;
            }

            environment.Progress?.Report(new NodeProgress((int)step, options.Steps, null, values));
            if (environment.CheckpointPath is not null && options.CheckpointEvery > 0 && step % options.CheckpointEvery == 0)
            {
                DdganCheckpoint.Save(environment.CheckpointPath, state, step);
            }
        }

        var seconds = clock.Elapsed.TotalSeconds;
        if (environment.CheckpointPath is not null && (options.CheckpointEvery == 0 || step % options.CheckpointEvery != 0))
        {
            DdganCheckpoint.Save(environment.CheckpointPath, state, step);
        }

        // The output is an inference generator: eval mode turns autograd off in its Forward.
        model.Network.eval();
        emaModel?.Network.eval();
        var output = emaModel ?? model;
        discriminator.Dispose();
        return new Result(output, lossesD, lossesG, firstStep, seconds);
    }

    /// <summary>One step's discriminator loss (without R1), generator loss (adversarial part), R1 term, D's accuracies (the share of real pairs with a positive logit and of fake pairs with a negative one; both 0.5 at chance), the standard deviation of D's logits over the step's real and fake pairs (near 0: D has become a constant and gives the generator no signal) and, with mode seeking on, ‖Δx̂_0‖₁ / ‖Δz‖₁.</summary>
    private readonly record struct StepLosses(double LossD, double LossG, double R1, double RealAccuracy, double FakeAccuracy, double LogitSpread, double ZSpread = double.NaN);

    private StepLosses Step(
        IDataset data, DdganGenerator model, Discriminator discriminator, PosteriorCoefficients posterior, IScheduler scheduler,
        AdamW optimizerG, AdamW optimizerD, Generator random, bool conditional, bool regularise, Device device)
    {
        Tensor x0 = null!;
        Tensor? labels = null;
        StepLosses losses = default;
        for (int k = 0; k < options.DSteps; k++)
        {
            (x0, labels, losses) = DiscriminatorStep(data, model, discriminator, posterior, scheduler, optimizerD, random, conditional, regularise && k == 0, device);
        }

        // Generator: fool D on fresh pairs of the last batch; D's parameters need no gradients here.
        SetRequiresGrad(discriminator, false);
        try
        {
            var (_, currentG, timeG) = Pair(x0, posterior, scheduler, random);
            var latentG = randn([options.Batch, model.LatentDim], ScalarType.Float32, generator: random).to(device);
            var posteriorNoiseG = randn(x0.shape, ScalarType.Float32, generator: random).to(device);
            var modelTimeG = timeG.to(device);
            var x0G = model.Generate(currentG, modelTimeG, latentG, labels);
            var previousG = posterior.Sample(x0G, currentG, timeG, posteriorNoiseG);
            var lossG = nn.functional.softplus(-discriminator.Forward(previousG, currentG, modelTimeG, labels)).mean();
            var objective = lossG;
            double zSpread = double.NaN;
            if (options.ModeSeeking > 0)
            {
                // Mode seeking (Mao et al. 2019, Eq. 3): a second latent on the same (x_t, t, y), drawn after every other
                // draw of the step so that runs with the term off keep their random stream.
                var latentG2 = randn([options.Batch, model.LatentDim], ScalarType.Float32, generator: random).to(device);
                var x0G2 = model.Generate(currentG, modelTimeG, latentG2, labels);
                var spread = (x0G - x0G2).abs().mean() / (latentG - latentG2).abs().mean();
                objective = lossG + (options.ModeSeeking / (spread + 1e-5));
                zSpread = spread.item<float>();
            }

            optimizerG.zero_grad();
            objective.backward();
            optimizerG.step();
            return losses with { LossG = lossG.item<float>(), ZSpread = zSpread };
        }
        finally
        {
            SetRequiresGrad(discriminator, true);
        }
    }

    /// <summary>One discriminator update on a fresh batch; returns the batch (the generator update reuses the last one), D's loss, R1 term and accuracies.</summary>
    private (Tensor X0, Tensor? Labels, StepLosses Losses) DiscriminatorStep(
        IDataset data, DdganGenerator model, Discriminator discriminator, PosteriorCoefficients posterior, IScheduler scheduler,
        AdamW optimizerD, Generator random, bool conditional, bool regularise, Device device)
    {
        var batch = data.Sample(options.Batch, random);
        var x0 = batch.Data.to(ScalarType.Float32, device);
        var labels = conditional ? batch.Labels!.to(ScalarType.Int64, device) : null;

        // Real pairs (x_{t−1}, x_t) against fake x'_{t−1} ~ q(x_{t−1} | x_t, G(x_t, z, t)) with the same x_t.
        var (previous, current, time) = Pair(x0, posterior, scheduler, random);
        var latent = randn([options.Batch, model.LatentDim], ScalarType.Float32, generator: random).to(device);
        var posteriorNoise = randn(x0.shape, ScalarType.Float32, generator: random).to(device);
        var real = previous.detach().requires_grad_(true);
        var modelTime = time.to(device);
        var dReal = discriminator.Forward(real, current, modelTime, labels);
        var lossReal = nn.functional.softplus(-dReal).mean();
        var penalty = zeros(1, ScalarType.Float32, device).squeeze();
        if (regularise && options.R1Gamma > 0)
        {
            var gradient = torch.autograd.grad([dReal.sum()], [real], retain_graph: true, create_graph: true)[0];
            penalty = gradient.square().reshape(options.Batch, -1).sum(1).mean() * (options.R1Gamma / 2);
        }

        Tensor fakePrevious;
        using (no_grad())
        {
            var x0Fake = model.Generate(current, modelTime, latent, labels);
            fakePrevious = posterior.Sample(x0Fake, current, time, posteriorNoise);
        }

        var dFake = discriminator.Forward(fakePrevious, current, modelTime, labels);
        var lossFake = nn.functional.softplus(dFake).mean();
        var lossD = lossReal + lossFake + penalty;
        optimizerD.zero_grad();
        lossD.backward();
        optimizerD.step();
        var losses = new StepLosses((lossReal + lossFake).item<float>(), 0, penalty.item<float>(),
            (dReal.detach() > 0).to(ScalarType.Float32).mean().item<float>(), (dFake.detach() < 0).to(ScalarType.Float32).mean().item<float>(),
            cat([dReal.detach(), dFake.detach()]).std().item<float>());
        return (x0, labels, losses);
    }

    /// <summary>t, then ε₁, ε₂ from <paramref name="random"/>; the pair (x_{t−1}, x_t) on x_0's device.</summary>
    private (Tensor Previous, Tensor Current, Tensor Time) Pair(Tensor x0, PosteriorCoefficients posterior, IScheduler scheduler, Generator random)
    {
        var time = scheduler.SampleTrainingTimes(options.Batch, random);
        if (time.is_floating_point())
        {
            throw new NotSupportedException("train.ddgan needs a discrete schedule with integer timesteps (scheduler.ddgan); this scheduler draws continuous times.");
        }

        var noise1 = randn(x0.shape, ScalarType.Float32, generator: random).to(x0.device);
        var noise2 = randn(x0.shape, ScalarType.Float32, generator: random).to(x0.device);
        var (previous, current) = posterior.Pair(x0, time, noise1, noise2);
        return (previous, current, time);
    }

    private (Discriminator Network, IReadOnlyDictionary<string, string> Config) CreateDiscriminator(DdganGenerator generator, Device device)
    {
        var shape = generator.Options.SampleShape;
        Discriminator network = shape.Length == 1
            ? new MlpDiscriminator(shape[0], options.DiscHidden, options.DiscLayers, options.DiscEmbeddingDim, generator.Info.NumClasses, options.DiscFourierFeatures)
            : new ConvDiscriminator(shape[0], options.DiscChannels, options.DiscEmbeddingDim, generator.Info.NumClasses, options.DiscMinibatchStd);
        using (var seeded = new Generator(unchecked((ulong)options.Seed + 1), CPU))
        {
            SeededInitialisation.Apply(network, seeded);
        }

        network.to(device);
        network.train();
        var config = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["disc_kind"] = shape.Length == 1 ? "mlp" : "conv",
            ["disc_hidden"] = options.DiscHidden.ToString(CultureInfo.InvariantCulture),
            ["disc_layers"] = options.DiscLayers.ToString(CultureInfo.InvariantCulture),
            ["disc_fourier_features"] = options.DiscFourierFeatures.ToString(CultureInfo.InvariantCulture),
            ["disc_channels"] = options.DiscChannels.ToString(CultureInfo.InvariantCulture),
            ["disc_embedding_dim"] = options.DiscEmbeddingDim.ToString(CultureInfo.InvariantCulture),
            ["disc_minibatch_std"] = shape.Length == 1 ? "0" : options.DiscMinibatchStd.ToString(CultureInfo.InvariantCulture),
        };
        return (network, config);
    }

    /// <summary>The lr multiplier before step <paramref name="step"/>: 1, or a cosine from 1 to lr_min_ratio over the run.</summary>
    private double LearningRateFactor(long step)
    {
        if (options.LrSchedule != "cosine")
        {
            return 1.0;
        }

        var progress = Math.Min(1.0, (double)step / Math.Max(1, options.Steps));
        return options.LrMinRatio + ((1 - options.LrMinRatio) * 0.5 * (1 + Math.Cos(Math.PI * progress)));
    }

    private static void SetLearningRate(AdamW optimizer, double lr)
    {
        foreach (var group in optimizer.ParamGroups)
        {
            group.LearningRate = lr;
        }
    }

    private static void SetRequiresGrad(nn.Module module, bool value)
    {
        foreach (var parameter in module.parameters())
        {
            parameter.requires_grad = value;
        }
    }

    private static void CheckData(IDataset data, DdganGenerator generator, string label)
    {
        if (!data.Info.SampleShape.SequenceEqual(generator.Info.SampleShape))
        {
            throw new ArgumentException($"{label}: dataset '{data.Info.Name}' has samples [{string.Join(", ", data.Info.SampleShape)}] but the generator makes [{string.Join(", ", generator.Info.SampleShape)}]; set the generator's sample_shape to match.");
        }

        if (generator.Info.NumClasses > 0 && data.Info.NumClasses == 0)
        {
            throw new ArgumentException($"{label}: the generator is conditioned on {generator.Info.NumClasses} classes but dataset '{data.Info.Name}' has no labels; use num_classes 0 or labelled data.");
        }

        if (generator.Info.NumClasses > 0 && data.Info.NumClasses > generator.Info.NumClasses)
        {
            throw new ArgumentException($"{label}: dataset '{data.Info.Name}' has {data.Info.NumClasses} classes but the generator only {generator.Info.NumClasses}; raise its num_classes.");
        }
    }
}
