using System.Diagnostics;
using Diffusion.Contracts;
using Diffusion.Torch;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Diffusion.Plugins.Training;

/// <summary>
/// Trains a denoiser by denoising score matching (Ho et al. 2020, Algorithm 1) with AdamW (Loshchilov &amp; Hutter
/// 2019), optional gradient clipping and an EMA of the weights. Each step, from one CPU generator and in this order:
/// a data batch, the noise ε ~ N(0, I) (float32, shape of the batch; as diffusers' train scripts, before the times),
/// the times from <see cref="IScheduler.SampleTrainingTimes"/>, then, for class-conditional training, the
/// label-dropout draws rand(batch). Before each step the optimizer's learning rate is set from
/// <see cref="LearningRateSchedule"/> at the number of completed steps, so a resumed run continues the schedule.
/// One dispose scope per step; cancellation is checked every step.
/// </summary>
public sealed class DenoisingTrainer
{
    private readonly DenoisingTrainOptions options;
    private readonly LearningRateSchedule schedule;

    /// <summary>Creates a trainer for validated options.</summary>
    public DenoisingTrainer(DenoisingTrainOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Betas.Length != 2)
        {
            throw new ArgumentException($"train.denoising: betas must be [beta1, beta2], got {options.Betas.Length} values.", nameof(options));
        }

        this.options = options;
        schedule = LearningRateSchedule.From(options);
    }

    /// <summary>Where and how a run reports; every member is optional.</summary>
    public sealed record Environment
    {
        /// <summary>Device of the training copies.</summary>
        public Device Device { get; init; } = CPU;

        /// <summary>The dtype of the data fed to the network.</summary>
        public ScalarType DType { get; init; } = ScalarType.Float32;

        /// <summary>Step progress.</summary>
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
        public string Label { get; init; } = "train.denoising";
    }

    /// <summary>Runs the training loop; <paramref name="denoiser"/> itself is never changed.</summary>
    public TrainingResult Train(IDataset data, ITrainableDenoiser denoiser, IScheduler scheduler, Environment environment)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(denoiser);
        ArgumentNullException.ThrowIfNull(scheduler);
        ArgumentNullException.ThrowIfNull(environment);
        var conditional = UseLabels(data, denoiser, environment.Label);

        var model = denoiser.Replicate(environment.Device);
        model.Network.train();
        var ema = options.EmaDecay > 0
            ? new ExponentialMovingAverage(denoiser.Replicate(environment.Device), options.EmaDecay, options.EmaWarmup)
            : null;
        var parameters = model.Network.named_parameters().ToList();
        using var optimizer = new AdamW(parameters.Select(p => p.parameter).ToList(), options.Lr, options.Betas[0], options.Betas[1], options.Eps, options.WeightDecay);
        using var generator = new Generator((ulong)options.Seed, CPU);

        long step = 0;
        if (environment.ResumePath is not null)
        {
            step = TrainingCheckpoint.Restore(environment.ResumePath, model, ema, optimizer, parameters, generator);
            environment.Logger.LogInformation("{Label}: resumed from {Path} at step {Step}.", environment.Label, environment.ResumePath, step);
        }

        var firstStep = step;
        var losses = new List<double>();
        var clock = Stopwatch.StartNew();
        while (step < options.Steps)
        {
            environment.CancellationToken.ThrowIfCancellationRequested();
            var lr = SetLearningRate(optimizer, options.Lr * schedule.Factor(step));

            double loss;
            using (NewDisposeScope())
            {
                loss = TrainStep(data, model, scheduler, optimizer, generator, conditional, environment);
            }

            step++;
            ema?.Update(model.Network, step);
            NativeObjectReclaimer.AfterStep((int)step);
            losses.Add(loss);
            if (!double.IsFinite(loss))
            {
                throw new InvalidOperationException($"{environment.Label}: the loss became {loss} at step {step}; lower lr or set grad_clip.");
            }

            var itPerSecond = losses.Count / Math.Max(clock.Elapsed.TotalSeconds, 1e-9);
            environment.Progress?.Report(new NodeProgress((int)step, options.Steps, null, new Dictionary<string, double> { ["loss"] = loss, ["lr"] = lr, ["it_per_s"] = itPerSecond }));
            if (environment.CheckpointPath is not null && options.CheckpointEvery > 0 && step % options.CheckpointEvery == 0)
            {
                TrainingCheckpoint.Save(environment.CheckpointPath, model, ema, optimizer, parameters, step, generator);
            }
        }

        var seconds = clock.Elapsed.TotalSeconds;
        if (environment.CheckpointPath is not null && (options.CheckpointEvery == 0 || step % options.CheckpointEvery != 0))
        {
            TrainingCheckpoint.Save(environment.CheckpointPath, model, ema, optimizer, parameters, step, generator);
        }

        // The output is an inference denoiser: eval mode turns autograd off in its Forward.
        model.Network.eval();
        ema?.Shadow.Network.eval();
        return new TrainingResult(ema?.Shadow ?? model, losses, firstStep, seconds);
    }

    private double TrainStep(IDataset data, ITrainableDenoiser model, IScheduler scheduler, AdamW optimizer, Generator generator, bool conditional, Environment environment)
    {
        var batch = data.Sample(options.Batch, generator);
        var original = batch.Data.to(environment.DType, environment.Device);
        var noiseCpu = randn(batch.Data.shape, dtype: ScalarType.Float32, generator: generator);
        var noise = noiseCpu.to(environment.DType, environment.Device);
        var time = scheduler.SampleTrainingTimes(options.Batch, generator);
        Conditioning? conditioning = null;
        if (conditional)
        {
            var keep = rand(options.Batch, dtype: ScalarType.Float32, generator: generator) >= options.LabelDropout;
            var labels = where(keep, batch.Labels!, full_like(batch.Labels!, model.Info.NumClasses));
            conditioning = new Conditioning { ClassLabels = labels.to(environment.Device) };
        }

        var noisy = scheduler.AddNoise(original, noise, time);
        var modelTime = DenoisingLoss.ModelTime(model.Info.TimeInput, time, scheduler).to(environment.Device);
        var output = model.Forward(noisy, modelTime, conditioning);
        var loss = DenoisingLoss.Compute(model.Info.Prediction, output, original, noise, time, scheduler);

        optimizer.zero_grad();
        loss.backward();
        if (options.GradClip > 0)
        {
            nn.utils.clip_grad_norm_(model.Network.parameters(), options.GradClip);
        }

        optimizer.step();
        return loss.item<float>();
    }

    /// <summary>Sets every parameter group's lr and returns the optimizer's own value, which progress reports.</summary>
    private static double SetLearningRate(AdamW optimizer, double lr)
    {
        foreach (var group in optimizer.ParamGroups)
        {
            group.LearningRate = lr;
        }

        return optimizer.ParamGroups.First().LearningRate;
    }

    private bool UseLabels(IDataset data, ITrainableDenoiser denoiser, string label)
    {
        var numClasses = denoiser.Info.NumClasses;
        if (numClasses == 0)
        {
            return false;
        }

        if (data.Info.NumClasses == 0)
        {
            throw new ArgumentException($"{label}: the denoiser is conditioned on {numClasses} classes but dataset '{data.Info.Name}' has no labels; use an unconditional denoiser (num_classes 0) or labelled data.");
        }

        if (data.Info.NumClasses > numClasses)
        {
            throw new ArgumentException($"{label}: dataset '{data.Info.Name}' has {data.Info.NumClasses} classes but the denoiser only {numClasses}; set the denoiser's num_classes to at least {data.Info.NumClasses}.");
        }

        return true;
    }
}
