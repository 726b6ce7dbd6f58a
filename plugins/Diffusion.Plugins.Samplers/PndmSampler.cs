using Diffusion.Contracts;
using Diffusion.Plugins.Shared;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Plugins.Samplers;

/// <summary>
/// Pseudo linear multistep (PLMS, Liu et al. 2022, "Pseudo Numerical Methods for Diffusion Models", Eq. 12 with the
/// fourth-order Adams–Bashforth combination of past ε̂, Eq. 13) started, as diffusers does with skip_prk_steps, by one
/// pseudo-improved-Euler step that re-evaluates the model at the second timestep. The transfer φ is Eq. 11. N + 1
/// model calls for N steps, each reported as a step.
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
    public SamplerInfo Info { get; } = new("pndm", Stochastic: false);

    /// <inheritdoc />
    public SamplingResult Sample(SamplingRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var prediction = PredictedOriginal.Resolve(options.PredictionType, request.Denoiser);
        var schedule = request.Scheduler.CreateInferenceSchedule(request.Steps);
        var timesteps = schedule.Timesteps;
        int stride = request.Scheduler.TrainTimesteps / timesteps.Count;
        // Visiting order of diffusers' plms_timesteps: the second timestep twice (predictor, then corrector).
        List<double> visits = timesteps.Count > 1 ? [timesteps[0], timesteps[1], .. timesteps.Skip(1)] : [.. timesteps];
        var x = SamplerTensors.Initial(request, initNoiseSigma: 1.0);
        Tensor? start = null;
        var history = new List<Tensor>();
        try
        {
            for (int counter = 0; counter < visits.Count; counter++)
            {
                request.CancellationToken.ThrowIfCancellationRequested();
                using var scope = NewDisposeScope();
                int t = (int)visits[counter];
                var epsilon = request.Predict(x, SamplerTensors.Time(request, t)).to(x.dtype);
                int from = t, to = t - stride;
                Tensor combined, origin = x;
                if (counter == 1)
                {
                    // The corrector of the first step: average ε̂ at both ends and redo the step from its start.
                    (from, to) = (t + stride, t);
                    combined = (epsilon + history[^1]) / 2;
                    origin = start!;
                }
                else
                {
                    history.Add(epsilon.MoveToOuterDisposeScope());
                    if (history.Count > 4)
                    {
                        history[0].Dispose();
                        history.RemoveAt(0);
                    }

                    combined = history.Count switch
                    {
                        1 => history[^1].alias(),
                        2 => (3 * history[^1] - history[^2]) / 2,
                        3 => (23 * history[^1] - 16 * history[^2] + 5 * history[^3]) / 12,
                        _ => 1.0 / 24 * (55 * history[^1] - 59 * history[^2] + 37 * history[^3] - 9 * history[^4]),
                    };
                    if (counter == 0)
                    {
                        start = x.alias().MoveToOuterDisposeScope();
                    }
                }

                var next = Transfer(request, prediction, schedule, origin, from, to, combined).MoveToOuterDisposeScope();
                request.OnStep?.Invoke(new SamplerStep(counter, visits.Count, t, next, null));
                if (counter == 1)
                {
                    start!.Dispose();
                    start = null;
                }

                SamplerTensors.Replace(ref x, next);
            }
        }
        finally
        {
            start?.Dispose();
            history.ForEach(h => h.Dispose());
        }

        return new SamplingResult(x, visits.Count, timesteps.Count);
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
            _ => throw new NotSupportedException($"sampler.pndm cannot use a denoiser that predicts {prediction}; use epsilon or v_prediction."),
        };
        double sampleCoefficient = r(Math.Sqrt(r(alphaProdPrev / alphaProdT)));
        double denominator = r(r(alphaProdT * r(Math.Sqrt(betaProdPrev))) + r(Math.Sqrt(r(r(alphaProdT * betaProdT) * alphaProdPrev))));
        return sampleCoefficient * sample - r(alphaProdPrev - alphaProdT) * epsilon / denominator;
    }
}
