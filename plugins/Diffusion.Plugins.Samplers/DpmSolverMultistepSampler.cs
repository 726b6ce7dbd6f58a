using Diffusion.Contracts;
using Diffusion.Sdk;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Plugins.Samplers;

/// <summary>
/// Multistep DPM-Solver in log-SNR λ = log(α/σ), h = λ_t − λ_s; diffusers' <c>DPMSolverMultistepScheduler</c>.
/// <list type="bullet">
/// <item><c>dpmsolver++</c> (Lu et al. 2022, "DPM-Solver++", Algorithm 2 and its third-order extension): data prediction
/// x̂_0, x_t = (σ_t/σ_s) x_s − α_t (e^{−h} − 1) D.</item>
/// <item><c>dpmsolver</c> (Lu et al. 2022, "DPM-Solver", Eq. 3.7 multistep form): noise prediction ε̂,
/// x_t = (α_t/α_s) x_s − σ_t (e^{h} − 1) D.</item>
/// <item><c>sde-dpmsolver++</c> / <c>sde-dpmsolver</c> (DPM-Solver++ paper, App. B, the SDE variants): the same with the
/// variance-preserving noise term σ_t sqrt(1 − e^{−2h}) z, resp. σ_t sqrt(e^{2h} − 1) z, drawn every step.</item>
/// </list>
/// D is the first-, second- or third-order combination of past model outputs. x stays in VP space, as diffusers keeps
/// it, so every step matches diffusers' <c>prev_sample</c>; the model call and the conversion of its output go through
/// <see cref="SigmaDenoiser"/>.
/// </summary>
public sealed class DpmSolverMultistepSampler : ISampler
{
    private readonly DpmSolverMultistepOptions options;
    private readonly bool dataPrediction;
    private readonly bool stochastic;

    /// <summary>Creates the sampler.</summary>
    public DpmSolverMultistepSampler(DpmSolverMultistepOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.SolverOrder, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(options.SolverOrder, 3);
        dataPrediction = options.AlgorithmType is DpmSolverAlgorithm.DpmSolverPlusPlus or DpmSolverAlgorithm.SdeDpmSolverPlusPlus;
        stochastic = options.AlgorithmType is DpmSolverAlgorithm.SdeDpmSolverPlusPlus or DpmSolverAlgorithm.SdeDpmSolver;
        if (options.AlgorithmType == DpmSolverAlgorithm.SdeDpmSolver && options.SolverOrder == 3)
        {
            throw new ArgumentException("sampler.dpmpp: algorithm_type sde-dpmsolver has no third-order update; use solver_order 1 or 2.");
        }

        this.options = options;
        string name = (stochastic ? "sde_" : "") + (dataPrediction ? "dpmpp_" : "dpm_") + (options.SolverOrder == 3 ? "3m" : "2m");
        Info = new SamplerInfo(name, Stochastic: stochastic) { Needs = ScheduleFeatures.Sigmas };
    }

    /// <inheritdoc />
    public SamplerInfo Info { get; }

    /// <inheritdoc />
    public SamplingResult Sample(SamplingRequest request)
    {
        var model = SigmaDenoiser.For(request, options.PredictionType, Info);
        var (sigmas, timesteps) = (model.Sigmas, request.Schedule.Timesteps);
        // The order rules look at the position in the full schedule, so a split run takes the steps the whole run takes.
        int N = request.Schedule.TotalSteps, start = request.Schedule.StartIndex;
        var x = SamplerTensors.Initial(request, initNoiseSigma: 1.0);
        var history = new List<Tensor>();
        int lowerOrderCount = 0;
        try
        {
            for (int i = 0; i < timesteps.Count; i++)
            {
                request.CancellationToken.ThrowIfCancellationRequested();
                using var scope = NewDisposeScope();
                var r = Precision.Of(x);
                int g = start + i;
                bool lowerOrderFinal = g == N - 1 && (options.EulerAtFinal || (options.LowerOrderFinal && N < 15) || sigmas[i + 1] == 0);
                bool lowerOrderSecond = g == N - 2 && options.LowerOrderFinal && N < 15;
                var converted = ConvertModelOutput(model, model.OutputVp(x, i), x, sigmas[i], r);
                history.Add(converted.MoveToOuterDisposeScope());
                if (history.Count > options.SolverOrder)
                {
                    history[0].Dispose();
                    history.RemoveAt(0);
                }

                // The SDE variants draw fresh float32 noise on every step, before choosing the order, as diffusers does.
                var noise = stochastic ? SamplerTensors.Noise(request, float32).to(x.dtype) : null;
                var step = new Step(this, x, sigmas, i, r, noise);
                Tensor next;
                if (options.SolverOrder == 1 || lowerOrderCount < 1 || lowerOrderFinal)
                {
                    next = step.FirstOrder(history[^1]);
                }
                else if (options.SolverOrder == 2 || lowerOrderCount < 2 || lowerOrderSecond)
                {
                    next = step.SecondOrder(history[^1], history[^2]);
                }
                else
                {
                    next = step.ThirdOrder(history[^1], history[^2], history[^3]);
                }

                lowerOrderCount = Math.Min(lowerOrderCount + 1, options.SolverOrder);
                next = next.MoveToOuterDisposeScope();
                request.OnStep?.Invoke(new SamplerStep(i, timesteps.Count, timesteps[i], next, dataPrediction ? history[^1] : null));
                SamplerTensors.Replace(ref x, next);
            }
        }
        finally
        {
            history.ForEach(h => h.Dispose());
        }

        return model.Result(x, timesteps.Count);
    }

    private static (double Alpha, double Sigma) AlphaSigma(double sigma, Func<double, double> r) => SigmaDenoiser.VpCoefficients(sigma, r);

    private static double Lambda(double alpha, double sigma, Func<double, double> r) => r(r(Math.Log(alpha)) - r(Math.Log(sigma)));

    /// <summary>
    /// The quantity the solver extrapolates: x̂_0 for the ++ variants (then thresholded, Saharia et al. 2022, Sec. 2.3), ε̂
    /// otherwise (thresholding goes through x̂_0 and back).
    /// </summary>
    private Tensor ConvertModelOutput(SigmaDenoiser model, Tensor modelOutput, Tensor x, double sigma, Func<double, double> r)
    {
        var (alphaS, sigmaS) = AlphaSigma(sigma, r);
        if (dataPrediction)
        {
            var x0 = model.DenoisedVp(modelOutput, x, sigma);
            return Parameterization.Limit(x0, options.Thresholding, options.DynamicThresholdingRatio, options.SampleMaxValue, false, 1.0);
        }

        var epsilon = model.EpsilonVp(modelOutput, x, sigma);
        if (!options.Thresholding)
        {
            return epsilon;
        }

        var thresholded = Parameterization.Limit((x - sigmaS * epsilon) / alphaS, true, options.DynamicThresholdingRatio, options.SampleMaxValue, false, 1.0);
        return (x - alphaS * thresholded) / sigmaS;
    }

    /// <summary>One update from σ_i to σ_{i+1}, with the coefficients of its algorithm.</summary>
    private readonly struct Step(DpmSolverMultistepSampler owner, Tensor x, IReadOnlyList<double> sigmas, int i, Func<double, double> r, Tensor? noise)
    {
        private (double Alpha, double Sigma, double Lambda) At(int index)
        {
            var (alpha, sigma) = AlphaSigma(sigmas[index], r);
            return (alpha, sigma, Lambda(alpha, sigma, r));
        }

        /// <summary>Order 1 (DPM-Solver-1 / DPM-Solver++(1): the DDIM step in λ).</summary>
        public Tensor FirstOrder(Tensor m0)
        {
            var (alphaT, sigmaT, lambdaT) = At(i + 1);
            var (alphaS, sigmaS, lambdaS) = At(i);
            double h = r(lambdaT - lambdaS);
            return owner.options.AlgorithmType switch
            {
                DpmSolverAlgorithm.DpmSolverPlusPlus => r(sigmaT / sigmaS) * x - r(alphaT * r(r(Math.Exp(-h)) - 1)) * m0,
                DpmSolverAlgorithm.DpmSolver => r(alphaT / alphaS) * x - r(sigmaT * r(r(Math.Exp(h)) - 1)) * m0,
                DpmSolverAlgorithm.SdeDpmSolverPlusPlus => r(r(sigmaT / sigmaS) * r(Math.Exp(-h))) * x + r(alphaT * r(1 - r(Math.Exp(-2.0 * h)))) * m0
                    + r(sigmaT * r(Math.Sqrt(r(1 - r(Math.Exp(-2.0 * h)))))) * noise!,
                _ => r(alphaT / alphaS) * x - r(2.0 * r(sigmaT * r(r(Math.Exp(h)) - 1))) * m0
                    + r(sigmaT * r(Math.Sqrt(r(r(Math.Exp(2.0 * h)) - 1)))) * noise!,
            };
        }

        /// <summary>Multistep order 2 (DPM-Solver++ Algorithm 2; D1 = (m0 − m1)/r0, r0 = h_prev/h), midpoint or heun form.</summary>
        public Tensor SecondOrder(Tensor m0, Tensor m1)
        {
            var (alphaT, sigmaT, lambdaT) = At(i + 1);
            var (alphaS0, sigmaS0, lambdaS0) = At(i);
            var (_, _, lambdaS1) = At(i - 1);
            double h = r(lambdaT - lambdaS0), h0 = r(lambdaS0 - lambdaS1), r0 = r(h0 / h);
            var d1 = r(1.0 / r0) * (m0 - m1);
            bool midpoint = owner.options.SolverType == DpmSolverType.Midpoint;
            double expMinusH = r(Math.Exp(-h)), expH = r(Math.Exp(h)), expMinus2H = r(Math.Exp(-2.0 * h));
            switch (owner.options.AlgorithmType)
            {
                case DpmSolverAlgorithm.DpmSolverPlusPlus:
                {
                    double e = r(expMinusH - 1);
                    var result = r(sigmaT / sigmaS0) * x - r(alphaT * e) * m0;
                    return midpoint ? result - r(0.5 * r(alphaT * e)) * d1 : result + r(alphaT * r(r(e / h) + 1)) * d1;
                }

                case DpmSolverAlgorithm.DpmSolver:
                {
                    double e = r(expH - 1);
                    var result = r(alphaT / alphaS0) * x - r(sigmaT * e) * m0;
                    return midpoint ? result - r(0.5 * r(sigmaT * e)) * d1 : result - r(sigmaT * r(r(e / h) - 1)) * d1;
                }

                case DpmSolverAlgorithm.SdeDpmSolverPlusPlus:
                {
                    double e = r(1 - expMinus2H);
                    var result = r(r(sigmaT / sigmaS0) * expMinusH) * x + r(alphaT * e) * m0;
                    result = midpoint ? result + r(0.5 * r(alphaT * e)) * d1 : result + r(alphaT * r(r(e / r(-2.0 * h)) + 1)) * d1;
                    return result + r(sigmaT * r(Math.Sqrt(e))) * noise!;
                }

                default:
                {
                    double e = r(expH - 1);
                    var result = r(alphaT / alphaS0) * x - r(2.0 * r(sigmaT * e)) * m0;
                    result = midpoint ? result - r(sigmaT * e) * d1 : result - r(2.0 * r(sigmaT * r(r(e / h) - 1))) * d1;
                    return result + r(sigmaT * r(Math.Sqrt(r(r(Math.Exp(2.0 * h)) - 1)))) * noise!;
                }
            }
        }

        /// <summary>Multistep order 3 (DPM-Solver++ App. B): D1, D2 from three past outputs.</summary>
        public Tensor ThirdOrder(Tensor m0, Tensor m1, Tensor m2)
        {
            var (alphaT, sigmaT, lambdaT) = At(i + 1);
            var (alphaS0, sigmaS0, lambdaS0) = At(i);
            var (_, _, lambdaS1) = At(i - 1);
            var (_, _, lambdaS2) = At(i - 2);
            double h = r(lambdaT - lambdaS0), h0 = r(lambdaS0 - lambdaS1), h1 = r(lambdaS1 - lambdaS2);
            double r0 = r(h0 / h), r1 = r(h1 / h);
            var d10 = r(1.0 / r0) * (m0 - m1);
            var d11 = r(1.0 / r1) * (m1 - m2);
            var d1 = d10 + r(r0 / r(r0 + r1)) * (d10 - d11);
            var d2 = r(1.0 / r(r0 + r1)) * (d10 - d11);
            switch (owner.options.AlgorithmType)
            {
                case DpmSolverAlgorithm.DpmSolverPlusPlus:
                {
                    double e = r(r(Math.Exp(-h)) - 1);
                    return r(sigmaT / sigmaS0) * x - r(alphaT * e) * m0 + r(alphaT * r(r(e / h) + 1)) * d1
                        - r(alphaT * r(r(r(e + h) / r(h * h)) - 0.5)) * d2;
                }

                case DpmSolverAlgorithm.DpmSolver:
                {
                    double e = r(r(Math.Exp(h)) - 1);
                    return r(alphaT / alphaS0) * x - r(sigmaT * e) * m0 - r(sigmaT * r(r(e / h) - 1)) * d1
                        - r(sigmaT * r(r(r(e - h) / r(h * h)) - 0.5)) * d2;
                }

                default:
                {
                    double e = r(1 - r(Math.Exp(-2.0 * h)));
                    double twoH = r(2.0 * h);
                    return r(r(sigmaT / sigmaS0) * r(Math.Exp(-h))) * x + r(alphaT * e) * m0
                        + r(alphaT * r(r(e / r(-2.0 * h)) + 1)) * d1
                        + r(alphaT * r(r(r(e - twoH) / r(twoH * twoH)) - 0.5)) * d2
                        + r(sigmaT * r(Math.Sqrt(e))) * noise!;
                }
            }
        }
    }
}
