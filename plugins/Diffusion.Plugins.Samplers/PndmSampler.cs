using Diffusion.Contracts;
using Diffusion.Sdk;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Plugins.Samplers;

/// <summary>
/// Pseudo numerical methods (Liu et al. 2022, "Pseudo Numerical Methods for Diffusion Models"), diffusers'
/// <c>PNDMScheduler</c>: the transfer φ of Eq. 11 driven by ε̂ combinations. With skip_prk_steps = false the first three
/// steps are pseudo Runge–Kutta (PRK, Eq. 13: four model calls per step at t, t − δ/2, t − δ/2, t − δ with weights
/// 1/6, 1/3, 1/3, 1/6); then pseudo linear multistep (PLMS, Eq. 12 with the fourth-order Adams–Bashforth combination of
/// past ε̂). With skip_prk_steps = true PLMS starts at once, its first step corrected by one pseudo-improved-Euler
/// re-evaluation at the second timestep. Every model call is reported as a step.
/// </summary>
public sealed class PndmSampler : ISampler
{
    private readonly PndmSamplerOptions options;

    /// <summary>Creates the sampler.</summary>
    public PndmSampler(PndmSamplerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        this.options = options;
    }

    /// <inheritdoc />
    public SamplerInfo Info { get; } = new("pndm", Stochastic: false)
    {
        Needs = ScheduleFeatures.AlphasCumprod,
        Predictions = [PredictionType.Epsilon, PredictionType.VPrediction],
    };

    /// <summary>
    /// PNDM steps between entries of the discrete ᾱ table (Liu et al. 2022, Eq. 9 uses ᾱ at t and t − δ), so it needs
    /// integer timesteps on the training grid; Karras or exponential sigma schedules give fractional ones.
    /// </summary>
    private static void RequireTrainingGrid(InferenceSchedule schedule, int trainTimesteps)
    {
        foreach (var t in schedule.Timesteps)
        {
            if (t != Math.Floor(t) || t < 0 || t >= trainTimesteps)
            {
                throw new NotSupportedException(
                    $"sampler.pndm needs integer timesteps in [0, {trainTimesteps}) but the scheduler gives {t}: PNDM steps along the discrete ᾱ table. " +
                    "Use the scheduler's default sigma schedule (not karras or exponential), or a sigma-space sampler such as sampler.lms or sampler.dpmpp_2m.");
            }
        }
    }

    /// <inheritdoc />
    public SamplingResult Sample(SamplingRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var prediction = Parameterization.Resolve(options.PredictionType, request.Denoiser);
        SamplerRequirements.Ensure(Info, request, prediction);
        var schedule = request.Schedule;
        RequireTrainingGrid(schedule, request.Scheduler.TrainTimesteps);
        // diffusers' step uses δ = T // N of the full schedule (not the gap to the next timestep) and δ/2 = T // N // 2 for
        // the PRK midpoints.
        int stride = request.Scheduler.TrainTimesteps / schedule.TotalSteps, half = stride / 2;
        var (visits, prkCount) = Visits(schedule.Timesteps, half);
        var x = SamplerTensors.Initial(request, initNoiseSigma: 1.0);
        Tensor? start = null, weightedSum = null;
        var history = new List<Tensor>();
        try
        {
            for (int counter = 0; counter < visits.Count; counter++)
            {
                request.CancellationToken.ThrowIfCancellationRequested();
                using var scope = NewDisposeScope();
                int visited = visits[counter];
                var epsilon = request.Predict(x, SamplerTensors.Time(request, visited)).to(x.dtype);
                Tensor next;
                if (counter < prkCount)
                {
                    // PRK (Eq. 13): every call of a step transfers from the step's start, at the step's first timestep.
                    int from = visits[counter / 4 * 4], to = visited - (counter % 2 == 1 ? 0 : half);
                    Tensor combined = epsilon;
                    switch (counter % 4)
                    {
                        case 0:
                            Keep(ref weightedSum, (1.0 / 6) * epsilon);
                            history.Add(epsilon.alias().MoveToOuterDisposeScope());
                            Keep(ref start, x.alias());
                            break;
                        case 1:
                        case 2:
                            Keep(ref weightedSum, weightedSum! + (1.0 / 3) * epsilon);
                            break;
                        default:
                            combined = weightedSum! + (1.0 / 6) * epsilon;
                            Keep(ref weightedSum, null);
                            break;
                    }

                    next = Transfer(request, prediction, schedule, start!, from, to, combined);
                }
                else
                {
                    next = PlmsStep(request, prediction, schedule, x, visited, stride, counter, epsilon, history, ref start);
                }

                next = next.MoveToOuterDisposeScope();
                request.OnStep?.Invoke(new SamplerStep(counter, visits.Count, visited, next, null));
                SamplerTensors.Replace(ref x, next);
            }
        }
        finally
        {
            start?.Dispose();
            weightedSum?.Dispose();
            history.ForEach(h => h.Dispose());
        }

        return new SamplingResult(x, visits.Count, schedule.Timesteps.Count);
    }

    /// <summary>
    /// diffusers' prk_timesteps + plms_timesteps. PRK: for the four largest timesteps t (ascending a &lt; b &lt; c &lt; d) the
    /// points t, t + δ/2, then each but the last twice, trimmed and reversed: d, c+δ/2, c+δ/2, c, c, b+δ/2, ..., a. PLMS then
    /// visits the remaining timesteps; with skip_prk_steps it visits all, the second one twice.
    /// </summary>
    private (List<int> Visits, int PrkCount) Visits(IReadOnlyList<double> descending, int half)
    {
        var ascending = descending.Reverse().Select(t => (int)t).ToList();
        if (options.SkipPrkSteps)
        {
            List<int> plms = [.. ascending.SkipLast(1), .. ascending.SkipLast(1).TakeLast(1), .. ascending.TakeLast(1)];
            plms.Reverse();
            return (plms, 0);
        }

        var points = ascending.TakeLast(4).SelectMany(t => new[] { t, t + half }).ToList();
        var doubled = points.SkipLast(1).SelectMany(t => new[] { t, t }).ToList();
        var prk = doubled.Count > 2 ? doubled.GetRange(1, doubled.Count - 2) : [];
        prk.Reverse();
        var rest = ascending.SkipLast(3).Reverse();
        return ([.. prk, .. rest], prk.Count);
    }

    /// <summary>
    /// One PLMS step (Eq. 12): the Adams–Bashforth combination of the last ε̂ (orders 1–4 as history grows); with
    /// skip_prk_steps the second call instead averages ε̂ at both ends of the first step and redoes it from its start.
    /// </summary>
    private static Tensor PlmsStep(SamplingRequest request, PredictionType prediction, InferenceSchedule schedule, Tensor x, int visited,
        int stride, int counter, Tensor epsilon, List<Tensor> history, ref Tensor? start)
    {
        int from = visited, to = visited - stride;
        if (counter == 1)
        {
            (from, to) = (visited + stride, visited);
            var averaged = (epsilon + history[^1]) / 2;
            var origin = start!;
            start = null;
            using (origin)
            {
                return Transfer(request, prediction, schedule, origin, from, to, averaged);
            }
        }

        history.Add(epsilon.alias().MoveToOuterDisposeScope());
        if (history.Count > 4)
        {
            history[0].Dispose();
            history.RemoveAt(0);
        }

        var combined = history.Count switch
        {
            1 => history[^1].alias(),
            2 => (3 * history[^1] - history[^2]) / 2,
            3 => (23 * history[^1] - 16 * history[^2] + 5 * history[^3]) / 12,
            _ => 1.0 / 24 * (55 * history[^1] - 59 * history[^2] + 37 * history[^3] - 9 * history[^4]),
        };
        if (counter == 0)
        {
            start?.Dispose();
            start = x.alias().MoveToOuterDisposeScope();
        }

        return Transfer(request, prediction, schedule, x, from, to, combined);
    }

    /// <summary>Replaces a tensor kept across steps, disposing the old one.</summary>
    private static void Keep(ref Tensor? slot, Tensor? value)
    {
        slot?.Dispose();
        slot = value?.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// φ of Liu et al. 2022, Eq. 11: x_{t'} = sqrt(ᾱ_{t'}/ᾱ_t) x_t − (ᾱ_{t'} − ᾱ_t) ε̂ / (ᾱ_t sqrt(1 − ᾱ_{t'}) + sqrt(ᾱ_t (1 − ᾱ_t) ᾱ_{t'})).
    /// </summary>
    private static Tensor Transfer(SamplingRequest request, PredictionType prediction, InferenceSchedule schedule, Tensor sample, int t, int previousT, Tensor modelOutput)
    {
        var r = Precision.Of(sample);
        var alphasCumprod = request.Scheduler.AlphasCumprod;
        double alphaProdT = r(alphasCumprod[t]);
        double alphaProdPrev = r(previousT >= 0 ? alphasCumprod[previousT] : schedule.FinalAlphaCumprod);
        double betaProdT = r(1 - alphaProdT), betaProdPrev = r(1 - alphaProdPrev);
        var epsilon = prediction switch
        {
            PredictionType.Epsilon => modelOutput,
            PredictionType.VPrediction => r(Math.Sqrt(alphaProdT)) * modelOutput + r(Math.Sqrt(betaProdT)) * sample,
            _ => throw new NotSupportedException($"sampler.pndm cannot use a denoiser that predicts {ComponentTraits.Name(prediction)}; use epsilon or v_prediction."),
        };
        double sampleCoefficient = r(Math.Sqrt(r(alphaProdPrev / alphaProdT)));
        double denominator = r(r(alphaProdT * r(Math.Sqrt(betaProdPrev))) + r(Math.Sqrt(r(r(alphaProdT * betaProdT) * alphaProdPrev))));
        return sampleCoefficient * sample - r(alphaProdPrev - alphaProdT) * epsilon / denominator;
    }
}
