using System.Diagnostics;
using System.Globalization;
using Diffusion.Contracts;
using Diffusion.Torch;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Diffusion.Plugins.Distillation;

/// <summary>
/// Progressive distillation (Salimans &amp; Ho 2022, Algorithm 2). Round r has a teacher sampling with N_r = N/2^r DDIM
/// steps (its own deterministic sampler on the scheduler's N_r-step schedule) and a student taking N_r/2 steps on the
/// scheduler's N_r/2-step schedule, whose step i must start where the teacher's step 2i does. Each optimisation step,
/// from one CPU generator in this order: a data batch x, the student step i per item (<see cref="TeacherSteps.DrawKeys"/>),
/// ε ~ N(0, I), and for class-conditional teachers the label-dropout draws. Then z_t = α_t x + σ_t ε at the student
/// step's timestep t, the teacher runs the two steps t → t' → t'' (the slice [2i, 2i + 2) of its schedule) to z_{t''},
/// the target is x̃ = (z_{t''} − (σ_{t''}/σ_t) z_t)/(α_{t''} − (σ_{t''}/σ_t) α_t), and the loss is
/// w(t) ‖x̂_student(z_t) − x̃‖² with the truncated-SNR weight w = max(α_t²/σ_t², 1) (Sec. 4). After a round the student
/// (its average when EMA is on) becomes the teacher and the start of the next student, with a fresh optimizer. The
/// student is v-parameterised by default (Sec. 4) and is an ordinary denoiser of the teacher's architecture.
/// </summary>
public sealed class ProgressiveDistiller
{
    /// <summary>The trainer name in checkpoints and messages.</summary>
    public const string TrainerName = "train.distill";

    private readonly ProgressiveDistillOptions options;

    /// <summary>Creates a distiller for validated options; throws when the step counts are not a halving chain.</summary>
    public ProgressiveDistiller(ProgressiveDistillOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Rounds = RoundsOf(options.TeacherSteps, options.StudentSteps)
            ?? throw new ArgumentException($"{TrainerName}: student_steps ({options.StudentSteps}) must be teacher_steps ({options.TeacherSteps}) halved one or more times, e.g. 64 -> 8.", nameof(options));
        if (options.Betas.Length != 2)
        {
            throw new ArgumentException($"{TrainerName}: betas must be [beta1, beta2], got {options.Betas.Length} values.", nameof(options));
        }

        this.options = options;
    }

    /// <summary>Number of halvings.</summary>
    public int Rounds { get; }

    /// <summary>Where and how a run reports; every member is optional.</summary>
    public sealed record Environment
    {
        /// <summary>Device of the training copies.</summary>
        public Device Device { get; init; } = CPU;

        /// <summary>Step progress (loss, round, lr, it_per_s).</summary>
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

    /// <summary>What a run produced: the final student and the loss of every step run in this call.</summary>
    public sealed record Result(ITrainableDenoiser Student, IReadOnlyList<double> Losses, long FirstStep, double Seconds);

    /// <summary>The number of halvings from <paramref name="teacherSteps"/> to <paramref name="studentSteps"/>, or null when it is not one.</summary>
    public static int? RoundsOf(int teacherSteps, int studentSteps)
    {
        int rounds = 0;
        for (int n = teacherSteps; n > studentSteps; n /= 2)
        {
            if (n % 2 != 0)
            {
                return null;
            }

            rounds++;
        }

        return rounds > 0 && teacherSteps >> rounds == studentSteps ? rounds : null;
    }

    /// <summary>Distils <paramref name="teacher"/> (never changed) with its deterministic <paramref name="sampler"/>.</summary>
    public Result Train(IDataset data, ITrainableDenoiser teacher, ISampler sampler, IScheduler scheduler, Environment environment, ITrainableDenoiser? studentStart = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(teacher);
        ArgumentNullException.ThrowIfNull(sampler);
        ArgumentNullException.ThrowIfNull(scheduler);
        ArgumentNullException.ThrowIfNull(environment);
        var label = environment.Label;
        Check(data, teacher, sampler, scheduler, studentStart, label);
        var device = environment.Device;
        var plans = Enumerable.Range(0, Rounds).Select(r => RoundPlan.Create(scheduler, options.TeacherSteps >> r, label)).ToArray();
        bool conditional = teacher.Info.NumClasses > 0 && data.Info.NumClasses > 0;
        var prediction = options.StudentPrediction == "same" ? teacher.Info.Prediction : PredictionType.VPrediction;

        var student = ReparameterisedDenoiser.As((studentStart ?? teacher).Replicate(device), prediction);
        student.Network.train();
        var ema = options.EmaDecay > 0 ? new WeightAverage(student.Replicate(device).Network, options.EmaDecay) : null;
        var teacherOfLaterRounds = student.Replicate(device);
        teacherOfLaterRounds.Network.eval();
        var names = student.Network.named_parameters().Select(p => p.name).ToList();
        var optimizer = CreateOptimizer(student);
        using var random = new Generator((ulong)options.Seed, CPU);
        var settings = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["distill_teacher_steps"] = options.TeacherSteps.ToString(CultureInfo.InvariantCulture),
            ["distill_student_steps"] = options.StudentSteps.ToString(CultureInfo.InvariantCulture),
            ["distill_steps_per_round"] = options.StepsPerRound.ToString(CultureInfo.InvariantCulture),
            ["distill_weighting"] = options.Weighting,
            ["teacher_node_type"] = teacher.Config.GetValueOrDefault("node_type", "?"),
        };

        long total = (long)Rounds * options.StepsPerRound;
        long step = 0;
        int currentRound = 0;
        IDenoiser currentTeacher = teacher;
        try
        {
            if (environment.ResumePath is not null)
            {
                var (restored, hadTeacher) = DistillationCheckpoint.Restore(environment.ResumePath, State(student, ema, optimizer, names, random, settings), teacherOfLaterRounds);
                step = restored;
                currentRound = step > 0 ? (int)((step - 1) / options.StepsPerRound) : 0;
                if (hadTeacher)
                {
                    currentTeacher = teacherOfLaterRounds;
                }

                environment.Logger.LogInformation("{Label}: resumed from {Path} at step {Step} (round {Round}).", label, environment.ResumePath, step, currentRound + 1);
            }

            var firstStep = step;
            var losses = new List<double>();
            var clock = Stopwatch.StartNew();
            while (step < total)
            {
                environment.CancellationToken.ThrowIfCancellationRequested();
                int round = (int)(step / options.StepsPerRound);
                if (round != currentRound)
                {
                    // The finished student (its average when on) teaches the next round and is where the next student starts.
                    CopyWeights(ema?.Shadow ?? student.Network, teacherOfLaterRounds.Network);
                    CopyWeights(teacherOfLaterRounds.Network, student.Network);
                    if (ema is not null)
                    {
                        CopyWeights(student.Network, ema.Shadow);
                    }

                    optimizer.Dispose();
                    optimizer = CreateOptimizer(student);
                    currentTeacher = teacherOfLaterRounds;
                    currentRound = round;
                    environment.Logger.LogInformation("{Label}: round {Round}: {Teacher}-step teacher, {Student}-step student.", label, round + 1, plans[round].TeacherSteps, plans[round].TeacherSteps / 2);
                }

                long inRound = step % options.StepsPerRound;
                double lr = options.LrSchedule == "linear" ? options.Lr * (1 - ((double)inRound / options.StepsPerRound)) : options.Lr;
                foreach (var group in optimizer.ParamGroups)
                {
                    group.LearningRate = lr;
                }

                double loss;
                using (NewDisposeScope())
                {
                    loss = Step(data, student, prediction, currentTeacher, sampler, scheduler, plans[round], optimizer, random, conditional, device, environment.CancellationToken);
                }

                step++;
                ema?.Update(student.Network);
                NativeObjectReclaimer.AfterStep((int)step);
                losses.Add(loss);
                if (!double.IsFinite(loss))
                {
                    throw new InvalidOperationException($"{label}: the loss became {loss} at step {step}; lower lr or set grad_clip.");
                }

                environment.Progress?.Report(new NodeProgress((int)step, (int)total, null, new Dictionary<string, double>
                {
                    ["loss"] = loss,
                    ["round"] = round + 1,
                    ["student_steps"] = plans[round].TeacherSteps / 2,
                    ["lr"] = lr,
                    ["it_per_s"] = losses.Count / Math.Max(clock.Elapsed.TotalSeconds, 1e-9),
                }));
                if (environment.CheckpointPath is not null && options.CheckpointEvery > 0 && step % options.CheckpointEvery == 0)
                {
                    DistillationCheckpoint.Save(environment.CheckpointPath, State(student, ema, optimizer, names, random, settings), step, currentRound > 0 ? teacherOfLaterRounds : null);
                }
            }

            var seconds = clock.Elapsed.TotalSeconds;
            if (environment.CheckpointPath is not null && (options.CheckpointEvery == 0 || step % options.CheckpointEvery != 0))
            {
                DistillationCheckpoint.Save(environment.CheckpointPath, State(student, ema, optimizer, names, random, settings), step, currentRound > 0 ? teacherOfLaterRounds : null);
            }

            if (ema is not null)
            {
                CopyWeights(ema.Shadow, student.Network);
            }

            // The output is an inference denoiser: eval mode turns autograd off in its Forward.
            student.Network.eval();
            teacherOfLaterRounds.Network.Dispose();
            return new Result(student, losses, firstStep, seconds);
        }
        finally
        {
            optimizer.Dispose();
        }
    }

    private double Step(
        IDataset data, ITrainableDenoiser student, PredictionType prediction, IDenoiser teacher, ISampler sampler, IScheduler scheduler,
        RoundPlan plan, AdamW optimizer, Generator random, bool conditional, Device device, CancellationToken cancellationToken)
    {
        var batch = data.Sample(options.Batch, random);
        var x0 = batch.Data.to(ScalarType.Float32, device);
        int studentSteps = plan.TeacherSteps / 2;
        var keys = TeacherSteps.DrawKeys(options.Batch, studentSteps, options.TimesPerBatch, random);
        var noise = randn(x0.shape, ScalarType.Float32, generator: random).to(device);
        Conditioning? conditioning = conditional
            ? new Conditioning { ClassLabels = TeacherSteps.DropLabels(batch.Labels!, options.LabelDropout, teacher.Info.NumClasses, random).to(device) }
            : null;

        var alphaBar = tensor(plan.StartAlphaCumprod, float64).index_select(0, keys);
        var alphaBarEnd = tensor(plan.EndAlphaCumprod, float64).index_select(0, keys);
        var (alpha, sigma) = (alphaBar.sqrt(), (1 - alphaBar).sqrt());
        var (alphaEnd, sigmaEnd) = (alphaBarEnd.sqrt(), (1 - alphaBarEnd).sqrt());
        var zt = (VectorParameterisation.Broadcast(alpha, x0) * x0) + (VectorParameterisation.Broadcast(sigma, x0) * noise);

        // Two teacher steps t → t' → t'' per item: the teacher's own sampler on the slice [2i, 2i + 2) of its schedule.
        var zEnd = TeacherSteps.Run(sampler, teacher, scheduler, zt, keys, i => plan.TeacherSchedule.Slice(2 * i, (2 * i) + 2), conditioning, random, cancellationToken);
        var target = DistillationTarget.Compute(zt, zEnd, alpha, sigma, alphaEnd, sigmaEnd);

        var time = tensor(plan.StartTimesteps, float32).index_select(0, keys).to(device);
        var output = student.Forward(zt, time, conditioning);
        var denoised = VectorParameterisation.DenoisedVp(prediction, output, zt, alpha, sigma);
        var snr = alphaBar / (1 - alphaBar);
        var weight = options.Weighting switch
        {
            "truncated_snr" => snr.clamp_min(1.0),
            "snr_plus_one" => snr + 1,
            _ => ones_like(snr),
        };
        var perItem = (denoised - target).square().reshape(options.Batch, -1).mean([1]);
        var loss = (weight.to(perItem.dtype, perItem.device) * perItem).mean();

        optimizer.zero_grad();
        loss.backward();
        if (options.GradClip > 0)
        {
            nn.utils.clip_grad_norm_(student.Network.parameters(), options.GradClip);
        }

        optimizer.step();
        return loss.item<float>();
    }

    private AdamW CreateOptimizer(ITrainableDenoiser student) =>
        new(student.Network.parameters().ToList(), options.Lr, options.Betas[0], options.Betas[1], 1e-8, options.WeightDecay);

    private static DistillationCheckpoint.State State(ITrainableDenoiser student, WeightAverage? ema, AdamW optimizer, IReadOnlyList<string> names, Generator random, IReadOnlyDictionary<string, string> settings) =>
        new(TrainerName, student, ema, optimizer, names, random, settings);

    private static void CopyWeights(nn.Module from, nn.Module to)
    {
        using var noGrad = no_grad();
        var source = from.state_dict();
        foreach (var (name, tensor) in to.state_dict())
        {
            tensor.copy_(source[name]);
        }
    }

    private void Check(IDataset data, ITrainableDenoiser teacher, ISampler sampler, IScheduler scheduler, ITrainableDenoiser? studentStart, string label)
    {
        if (sampler.Info.Stochastic || sampler.Info.Adaptive)
        {
            throw new ArgumentException($"{label}: the teacher's sampler '{sampler.Info.Name}' is {(sampler.Info.Stochastic ? "stochastic" : "adaptive")}; progressive distillation needs a deterministic fixed-step sampler (sampler.ddim with eta 0 and previous_timestep next).");
        }

        if (scheduler.AlphasCumprod.Count == 0)
        {
            throw new ArgumentException($"{label}: the scheduler has no discrete ᾱ table; link scheduler.discrete (timestep_spacing trailing).");
        }

        if (teacher.Info.TimeInput != TimeInput.Timestep)
        {
            throw new ArgumentException($"{label}: the teacher takes {teacher.Info.TimeInput} time; DDIM distillation here calls it with discrete timesteps, so link a denoiser with time_input timestep.");
        }

        if (!data.Info.SampleShape.SequenceEqual(teacher.Info.SampleShape))
        {
            throw new ArgumentException($"{label}: dataset '{data.Info.Name}' has samples [{string.Join(", ", data.Info.SampleShape)}] but the teacher makes [{string.Join(", ", teacher.Info.SampleShape)}].");
        }

        if (studentStart is not null && !studentStart.Info.SampleShape.SequenceEqual(teacher.Info.SampleShape))
        {
            throw new ArgumentException($"{label}: the linked student makes [{string.Join(", ", studentStart.Info.SampleShape)}] but the teacher [{string.Join(", ", teacher.Info.SampleShape)}].");
        }
    }

    /// <summary>One round's schedules: the teacher's N-step schedule and, per student step i, its start and end timesteps and ᾱ.</summary>
    private sealed record RoundPlan(int TeacherSteps, InferenceSchedule TeacherSchedule, double[] StartTimesteps, double[] StartAlphaCumprod, double[] EndAlphaCumprod)
    {
        public static RoundPlan Create(IScheduler scheduler, int teacherSteps, string label)
        {
            var teacherSchedule = scheduler.CreateInferenceSchedule(teacherSteps);
            var studentSchedule = scheduler.CreateInferenceSchedule(teacherSteps / 2);
            var table = scheduler.AlphasCumprod;
            int count = studentSchedule.Count;
            var start = new double[count];
            var startAlpha = new double[count];
            var endAlpha = new double[count];
            for (int i = 0; i < count; i++)
            {
                double t = studentSchedule.Timesteps[i];
                double end = i + 1 < count ? studentSchedule.Timesteps[i + 1] : -1;
                double teacherEnd = (2 * i) + 2 < teacherSchedule.Count ? teacherSchedule.Timesteps[(2 * i) + 2] : -1;
                if (t != teacherSchedule.Timesteps[2 * i] || end != teacherEnd || t != Math.Floor(t))
                {
                    throw new ArgumentException(
                        $"{label}: the {count}-step schedule does not start its steps where the {teacherSteps}-step schedule starts every other step (student step {i} at {t}, teacher step {2 * i} at {teacherSchedule.Timesteps[2 * i]}); use scheduler.discrete with timestep_spacing trailing and a num_train_timesteps divisible by the teacher's steps.");
                }

                start[i] = t;
                startAlpha[i] = table[(int)t];
                endAlpha[i] = end < 0 ? studentSchedule.FinalAlphaCumprod : table[(int)end];
            }

            return new RoundPlan(teacherSteps, teacherSchedule, start, startAlpha, endAlpha);
        }
    }
}
