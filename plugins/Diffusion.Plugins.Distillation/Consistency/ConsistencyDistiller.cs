using System.Diagnostics;
using System.Globalization;
using Diffusion.Contracts;
using Diffusion.Sdk;
using Diffusion.Torch;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Diffusion.Plugins.Distillation;

/// <summary>
/// Consistency distillation (Song et al. 2023, Algorithm 2) in sigma space x = x_0 + σ ε of a teacher trained on a
/// discrete VP schedule. Each step, from one CPU generator in this order: a data batch x, the interval n per item
/// (<see cref="TeacherSteps.DrawKeys"/>, n ∈ [0, N − 2] for levels σ_n &lt; σ_{n+1}), z ~ N(0, I), and for
/// class-conditional teachers the label-dropout draws. Then x_{n+1} = x + σ_{n+1} z; the teacher's own ODE solver
/// (sampler.heun or sampler.euler: one step of the probability-flow ODE, through the SDK's SigmaDenoiser) moves it to
/// x̂_n at σ_n; the loss is ‖f_θ(x_{n+1}, σ_{n+1}) − f_θ⁻(x̂_n, σ_n)‖² (λ = 1, d = squared ℓ2, mean over items and
/// elements); after each update θ⁻ ← μ θ⁻ + (1 − μ) θ. The student θ starts as a copy of the teacher, and f uses the
/// boundary-condition scalings of <see cref="ConsistencyParameterisation"/>. The output is θ⁻ as a <see cref="ConsistencyDenoiser"/>.
/// </summary>
public sealed class ConsistencyDistiller
{
    /// <summary>The trainer name in checkpoints and messages.</summary>
    public const string TrainerName = "train.consistency";

    private readonly ConsistencyDistillOptions options;

    /// <summary>Creates a distiller for validated options.</summary>
    public ConsistencyDistiller(ConsistencyDistillOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Betas.Length != 2)
        {
            throw new ArgumentException($"{TrainerName}: betas must be [beta1, beta2], got {options.Betas.Length} values.", nameof(options));
        }

        this.options = options;
    }

    /// <summary>Where and how a run reports; every member is optional.</summary>
    public sealed record Environment
    {
        /// <summary>Device of the training copies.</summary>
        public Device Device { get; init; } = CPU;

        /// <summary>Step progress (loss, it_per_s).</summary>
        public IProgress<NodeProgress>? Progress { get; init; }

        /// <summary>Checked every step.</summary>
        public CancellationToken CancellationToken { get; init; }

        /// <summary>Logs.</summary>
        public ILogger Logger { get; init; } = NullLogger.Instance;

        /// <summary>Checkpoint file (resolved), or null.</summary>
        public string? CheckpointPath { get; init; }

        /// <summary>Checkpoint to resume from (resolved), or null.</summary>
        public string? ResumePath { get; init; }

        /// <summary>A name for messages.</summary>
        public string Label { get; init; } = TrainerName;
    }

    /// <summary>What a run produced: the consistency model (θ⁻), its network, and the loss of every step run in this call.</summary>
    public sealed record Result(ConsistencyDenoiser Model, ITrainableDenoiser Network, IReadOnlyList<double> Losses, long FirstStep, double Seconds, IReadOnlyList<double> Sigmas);

    /// <summary>Distils <paramref name="teacher"/> (never changed) with its deterministic ODE solver <paramref name="solver"/>.</summary>
    public Result Train(IDataset data, ITrainableDenoiser teacher, ISampler solver, IScheduler scheduler, Environment environment, ITrainableDenoiser? studentStart = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(teacher);
        ArgumentNullException.ThrowIfNull(solver);
        ArgumentNullException.ThrowIfNull(scheduler);
        ArgumentNullException.ThrowIfNull(environment);
        var label = environment.Label;
        if (solver.Info.Stochastic || solver.Info.Adaptive)
        {
            throw new ArgumentException($"{label}: the teacher's solver '{solver.Info.Name}' is {(solver.Info.Stochastic ? "stochastic" : "adaptive")}; consistency distillation needs one deterministic ODE step (sampler.heun or sampler.euler).");
        }

        if (!solver.Info.Needs.HasFlag(ScheduleFeatures.Sigmas))
        {
            throw new ArgumentException($"{label}: the teacher's solver '{solver.Info.Name}' does not step in σ; link a sigma-space ODE solver (sampler.heun or sampler.euler).");
        }

        if (!data.Info.SampleShape.SequenceEqual(teacher.Info.SampleShape))
        {
            throw new ArgumentException($"{label}: dataset '{data.Info.Name}' has samples [{string.Join(", ", data.Info.SampleShape)}] but the teacher makes [{string.Join(", ", teacher.Info.SampleShape)}].");
        }

        var table = new Lazy<DiscreteSigmas>(() => DiscreteSigmas.From(scheduler, TrainerName));
        double sigmaMin = options.SigmaMin ?? table.Value.SigmaMin;
        double sigmaMax = options.SigmaMax ?? table.Value.SigmaMax;
        var sigmas = KarrasSigmas.Create(options.Discretisation, sigmaMin, sigmaMax, options.Rho);
        var device = environment.Device;
        bool conditional = teacher.Info.NumClasses > 0 && data.Info.NumClasses > 0;

        var student = (studentStart ?? teacher).Replicate(device);
        student.Network.train();
        var target = student.Replicate(device);
        target.Network.eval();
        var ema = new WeightAverage(target.Network, options.TargetDecay);
        var teacherTimes = sigmas.Select(s => ConsistencyParameterisation.ModelTime(teacher, table, s)).ToArray();
        var studentTimes = sigmas.Select(s => ConsistencyParameterisation.ModelTime(student, table, s)).ToArray();
        var names = student.Network.named_parameters().Select(p => p.name).ToList();
        using var optimizer = new AdamW(student.Network.parameters().ToList(), options.Lr, options.Betas[0], options.Betas[1], 1e-8, 0);
        using var random = new Generator((ulong)options.Seed, CPU);
        var settings = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["consistency_discretisation"] = options.Discretisation.ToString(CultureInfo.InvariantCulture),
            ["consistency_rho"] = options.Rho.ToString("R", CultureInfo.InvariantCulture),
            ["consistency_sigma_min"] = sigmaMin.ToString("R", CultureInfo.InvariantCulture),
            ["consistency_sigma_max"] = sigmaMax.ToString("R", CultureInfo.InvariantCulture),
            ["consistency_sigma_data"] = options.SigmaData.ToString("R", CultureInfo.InvariantCulture),
            ["consistency_target_decay"] = options.TargetDecay.ToString("R", CultureInfo.InvariantCulture),
        };
        var state = new DistillationCheckpoint.State(TrainerName, student, ema, optimizer, names, random, settings);

        long step = 0;
        if (environment.ResumePath is not null)
        {
            // Consistency checkpoints hold no teacher; the sink only satisfies the shared reader.
            var noTeacher = student.Replicate(device);
            try
            {
                step = DistillationCheckpoint.Restore(environment.ResumePath, state, noTeacher).Step;
            }
            finally
            {
                noTeacher.Network.Dispose();
            }

            environment.Logger.LogInformation("{Label}: resumed from {Path} at step {Step}.", label, environment.ResumePath, step);
        }

        var firstStep = step;
        var losses = new List<double>();
        var clock = Stopwatch.StartNew();
        while (step < options.Steps)
        {
            environment.CancellationToken.ThrowIfCancellationRequested();
            double loss;
            using (NewDisposeScope())
            {
                loss = Step(data, teacher, solver, scheduler, student, target, sigmas, teacherTimes, studentTimes, sigmaMin, optimizer, random, conditional, device, environment.CancellationToken);
            }

            step++;
            ema.Update(student.Network);
            NativeObjectReclaimer.AfterStep((int)step);
            losses.Add(loss);
            if (!double.IsFinite(loss))
            {
                throw new InvalidOperationException($"{label}: the loss became {loss} at step {step}; lower lr or set grad_clip.");
            }

            environment.Progress?.Report(new NodeProgress((int)step, options.Steps, null, new Dictionary<string, double>
            {
                ["loss"] = loss,
                ["it_per_s"] = losses.Count / Math.Max(clock.Elapsed.TotalSeconds, 1e-9),
            }));
            if (environment.CheckpointPath is not null && options.CheckpointEvery > 0 && step % options.CheckpointEvery == 0)
            {
                DistillationCheckpoint.Save(environment.CheckpointPath, state, step, teacher: null);
            }
        }

        var seconds = clock.Elapsed.TotalSeconds;
        if (environment.CheckpointPath is not null && (options.CheckpointEvery == 0 || step % options.CheckpointEvery != 0))
        {
            DistillationCheckpoint.Save(environment.CheckpointPath, state, step, teacher: null);
        }

        student.Network.eval();
        student.Network.Dispose();
        return new Result(new ConsistencyDenoiser(target, scheduler, sigmaMin, options.SigmaData), target, losses, firstStep, seconds, sigmas);
    }

    private double Step(
        IDataset data, ITrainableDenoiser teacher, ISampler solver, IScheduler scheduler, ITrainableDenoiser student, ITrainableDenoiser target,
        double[] sigmas, double[] teacherTimes, double[] studentTimes, double sigmaMin, AdamW optimizer, Generator random, bool conditional, Device device,
        CancellationToken cancellationToken)
    {
        var batch = data.Sample(options.Batch, random);
        var x0 = batch.Data.to(ScalarType.Float32, device);
        var keys = TeacherSteps.DrawKeys(options.Batch, sigmas.Length - 1, options.TimesPerBatch, random);
        var noise = randn(x0.shape, ScalarType.Float32, generator: random).to(device);
        Conditioning? conditioning = conditional
            ? new Conditioning { ClassLabels = TeacherSteps.DropLabels(batch.Labels!, options.LabelDropout, teacher.Info.NumClasses, random).to(device) }
            : null;

        var sigmaTable = tensor(sigmas, float64);
        var sigmaNext = sigmaTable.index_select(0, keys + 1);
        var sigmaHere = sigmaTable.index_select(0, keys);
        var xNext = x0 + (VectorParameterisation.Broadcast(sigmaNext, x0) * noise);

        // One step of the teacher's ODE solver from σ_{n+1} to σ_n (Algorithm 2's Φ), as a one-step schedule per interval.
        var xHere = TeacherSteps.Run(solver, teacher, scheduler, xNext, keys, n => new InferenceSchedule
        {
            Timesteps = [teacherTimes[n + 1]],
            Sigmas = [sigmas[n + 1], sigmas[n]],
            FinalAlphaCumprod = 1.0,
        }, conditioning, random, cancellationToken);

        var studentTimeTable = tensor(studentTimes, float32);
        var online = ConsistencyParameterisation.Evaluate(student, student.Info.Prediction, xNext, sigmaNext, studentTimeTable.index_select(0, keys + 1).to(device), conditioning, sigmaMin, options.SigmaData);
        Tensor goal;
        using (no_grad())
        {
            goal = ConsistencyParameterisation.Evaluate(target, target.Info.Prediction, xHere, sigmaHere, studentTimeTable.index_select(0, keys).to(device), conditioning, sigmaMin, options.SigmaData);
        }

        var loss = (online - goal).square().mean();
        optimizer.zero_grad();
        loss.backward();
        if (options.GradClip > 0)
        {
            nn.utils.clip_grad_norm_(student.Network.parameters(), options.GradClip);
        }

        optimizer.step();
        return loss.item<float>();
    }
}
