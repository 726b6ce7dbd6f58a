using Diffusion.Contracts;
using Diffusion.Plugins.Shared;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Plugins.Samplers;

/// <summary>
/// DPM-Solver++ multistep (Lu et al. 2022, "DPM-Solver++", Algorithm 2 and its third-order extension) in the data
/// prediction x̂_0 and log-SNR λ = log(α/σ), h = λ_t − λ_s: x_t = (σ_t/σ_s) x_s − α_t (e^{−h} − 1) D, with D the
/// first-, second- or third-order combination of past x̂_0; diffusers' <c>DPMSolverMultistepScheduler</c>.
/// </summary>
public sealed class DpmSolverMultistepSampler : ISampler
{
    private readonly DpmSolverMultistepOptions options;

    /// <summary>Creates the sampler.</summary>
    public DpmSolverMultistepSampler(DpmSolverMultistepOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.SolverOrder, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(options.SolverOrder, 3);
        this.options = options;
        Info = new SamplerInfo(options.SolverOrder == 3 ? "dpmpp_3m" : "dpmpp_2m", Stochastic: false);
    }

    /// <inheritdoc />
    public SamplerInfo Info { get; }

    /// <inheritdoc />
    public SamplingResult Sample(SamplingRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var prediction = PredictedOriginal.Resolve(options.PredictionType, request.Denoiser);
        var schedule = request.Scheduler.CreateInferenceSchedule(request.Steps);
        var (timesteps, sigmas) = (schedule.Timesteps, schedule.Sigmas);
        int N = timesteps.Count;
        var x = SamplerTensors.Initial(request, initNoiseSigma: 1.0);
        var history = new List<Tensor>();
        int lowerOrderCount = 0;
        try
        {
            for (int i = 0; i < N; i++)
            {
                request.CancellationToken.ThrowIfCancellationRequested();
                using var scope = NewDisposeScope();
                var r = Precision.Of(x);
                bool lowerOrderFinal = i == N - 1 && (options.EulerAtFinal || (options.LowerOrderFinal && N < 15) || sigmas[N] == 0);
                bool lowerOrderSecond = i == N - 2 && options.LowerOrderFinal && N < 15;
                var modelOutput = request.Predict(x, SamplerTensors.Time(request, timesteps[i])).to(x.dtype);
                var (alphaS, sigmaS) = AlphaSigma(sigmas[i], r);
                var x0 = prediction switch
                {
                    PredictionType.Epsilon => (x - sigmaS * modelOutput) / alphaS,
                    PredictionType.VPrediction => alphaS * x - sigmaS * modelOutput,
                    PredictionType.Sample => modelOutput.alias(),
                    _ => throw new NotSupportedException($"sampler.{Info.Name} cannot use a denoiser that predicts {prediction}."),
                };
                x0 = PredictedOriginal.Limit(x0, options.Thresholding, options.DynamicThresholdingRatio, options.SampleMaxValue, false, 1.0);
                history.Add(x0.MoveToOuterDisposeScope());
                if (history.Count > options.SolverOrder)
                {
                    history[0].Dispose();
                    history.RemoveAt(0);
                }

                Tensor next;
                if (options.SolverOrder == 1 || lowerOrderCount < 1 || lowerOrderFinal)
                {
                    next = FirstOrder(x, sigmas, i, r, history[^1]);
                }
                else if (options.SolverOrder == 2 || lowerOrderCount < 2 || lowerOrderSecond)
                {
                    next = SecondOrder(x, sigmas, i, r, history);
                }
                else
                {
                    next = ThirdOrder(x, sigmas, i, r, history);
                }

                lowerOrderCount = Math.Min(lowerOrderCount + 1, options.SolverOrder);
                next = next.MoveToOuterDisposeScope();
                request.OnStep?.Invoke(new SamplerStep(i, N, timesteps[i], next, history[^1]));
                SamplerTensors.Replace(ref x, next);
            }
        }
        finally
        {
            history.ForEach(h => h.Dispose());
        }

        return new SamplingResult(x, N, N);
    }

    /// <summary>α = 1/sqrt(σ² + 1), σ_VP = σ α: the VP coefficients of a sigma-space noise level.</summary>
    private static (double Alpha, double Sigma) AlphaSigma(double sigma, Func<double, double> r)
    {
        double alpha = r(1 / r(Math.Sqrt(r(r(sigma * sigma) + 1))));
        return (alpha, r(sigma * alpha));
    }

    private static double Lambda(double alpha, double sigma, Func<double, double> r) => r(r(Math.Log(alpha)) - r(Math.Log(sigma)));

    /// <summary>DPM-Solver++(1), Lu et al. 2022, Eq. 8 with k = 1 (the DDIM step in data prediction).</summary>
    private static Tensor FirstOrder(Tensor x, IReadOnlyList<double> sigmas, int i, Func<double, double> r, Tensor x0)
    {
        var (alphaT, sigmaT) = AlphaSigma(sigmas[i + 1], r);
        var (alphaS, sigmaS) = AlphaSigma(sigmas[i], r);
        double h = r(Lambda(alphaT, sigmaT, r) - Lambda(alphaS, sigmaS, r));
        return r(sigmaT / sigmaS) * x - r(alphaT * r(Math.Exp(-h) - 1)) * x0;
    }

    /// <summary>DPM-Solver++(2M), Lu et al. 2022, Algorithm 2: D = x̂_0 + (1/(2r)) (x̂_0 − x̂_0,prev) with r = h_prev/h.</summary>
    private Tensor SecondOrder(Tensor x, IReadOnlyList<double> sigmas, int i, Func<double, double> r, List<Tensor> history)
    {
        var (alphaT, sigmaT) = AlphaSigma(sigmas[i + 1], r);
        var (alphaS0, sigmaS0) = AlphaSigma(sigmas[i], r);
        var (alphaS1, sigmaS1) = AlphaSigma(sigmas[i - 1], r);
        double lambdaT = Lambda(alphaT, sigmaT, r), lambdaS0 = Lambda(alphaS0, sigmaS0, r), lambdaS1 = Lambda(alphaS1, sigmaS1, r);
        double h = r(lambdaT - lambdaS0), h0 = r(lambdaS0 - lambdaS1), r0 = r(h0 / h);
        var (m0, m1) = (history[^1], history[^2]);
        var d1 = r(1.0 / r0) * (m0 - m1);
        double expMinusHMinusOne = r(r(Math.Exp(-h)) - 1);
        var result = r(sigmaT / sigmaS0) * x - r(alphaT * expMinusHMinusOne) * m0;
        return options.SolverType == "heun"
            ? result + r(alphaT * r(r(expMinusHMinusOne / h) + 1)) * d1
            : result - r(0.5 * r(alphaT * expMinusHMinusOne)) * d1;
    }

    /// <summary>DPM-Solver++(3M): the third-order multistep update with D1, D2 from three past x̂_0 (Lu et al. 2022, App. B).</summary>
    private static Tensor ThirdOrder(Tensor x, IReadOnlyList<double> sigmas, int i, Func<double, double> r, List<Tensor> history)
    {
        var (alphaT, sigmaT) = AlphaSigma(sigmas[i + 1], r);
        var (alphaS0, sigmaS0) = AlphaSigma(sigmas[i], r);
        var (alphaS1, sigmaS1) = AlphaSigma(sigmas[i - 1], r);
        var (alphaS2, sigmaS2) = AlphaSigma(sigmas[i - 2], r);
        double lambdaT = Lambda(alphaT, sigmaT, r), lambdaS0 = Lambda(alphaS0, sigmaS0, r);
        double lambdaS1 = Lambda(alphaS1, sigmaS1, r), lambdaS2 = Lambda(alphaS2, sigmaS2, r);
        double h = r(lambdaT - lambdaS0), h0 = r(lambdaS0 - lambdaS1), h1 = r(lambdaS1 - lambdaS2);
        double r0 = r(h0 / h), r1 = r(h1 / h);
        var (m0, m1, m2) = (history[^1], history[^2], history[^3]);
        var d10 = r(1.0 / r0) * (m0 - m1);
        var d11 = r(1.0 / r1) * (m1 - m2);
        var d1 = d10 + r(r0 / r(r0 + r1)) * (d10 - d11);
        var d2 = r(1.0 / r(r0 + r1)) * (d10 - d11);
        double e = r(r(Math.Exp(-h)) - 1);
        return r(sigmaT / sigmaS0) * x - r(alphaT * e) * m0 + r(alphaT * r(r(e / h) + 1)) * d1
            - r(alphaT * r(r(r(e + h) / r(h * h)) - 0.5)) * d2;
    }
}
