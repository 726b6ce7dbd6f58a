using Diffusion.Contracts;
using Diffusion.Sdk;
using Diffusion.Torch;
using TorchSharp;

namespace Diffusion.Plugins.Samplers.Adaptive;

/// <summary>
/// Adaptive-step DPM-Solver (Lu et al. 2022, "DPM-Solver", Sec. 3.3 and Algorithm 4; k-diffusion's
/// <c>sample_dpm_adaptive</c>). It integrates the diffusion ODE in λ = −log σ from σ_max to σ_min with an embedded pair —
/// DPM-Solver-2 (r₁ = 1/3) inside DPM-Solver-3 for order 3, DPM-Solver-1 inside DPM-Solver-2 for order 2 (Eq. 3.7 and
/// Algorithms 1–2 with the exponential integrator x_{t} = x_s − σ_t (e^h − 1) ε̂ …). The scaled error
/// ‖(x_low − x_high)/max(atol, rtol·max(|x_low|, |x_prev|))‖₂/sqrt(n) drives a PID step-size controller. Works in sigma
/// space for discrete VP schedules: the network sees x/sqrt(σ²+1) and the fractional timestep of σ (log-σ
/// interpolation). ε̂ at the step's start is reused after a rejected step, so NFE counts real denoiser calls.
/// </summary>
public sealed class DpmAdaptiveSampler : ISampler
{
    private const string Name = "dpm_adaptive";

    /// <summary>Creates the sampler from its node params.</summary>
    public DpmAdaptiveSampler(DpmAdaptiveOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Order is not (2 or 3))
        {
            throw new ArgumentException($"sampler.dpm_adaptive: order must be 2 or 3, got {options.Order}.", nameof(options));
        }

        if (!(options.Rtol > 0 || options.Atol > 0))
        {
            throw new ArgumentException("sampler.dpm_adaptive: rtol or atol must be positive.", nameof(options));
        }

        Options = options;
        Info = new SamplerInfo(Name, Stochastic: options.Eta > 0, Adaptive: true) { Needs = ScheduleFeatures.AlphasCumprod | ScheduleFeatures.Sigmas };
    }

    /// <summary>The params this sampler was built from.</summary>
    public DpmAdaptiveOptions Options { get; }

    /// <inheritdoc />
    public SamplerInfo Info { get; }

    /// <inheritdoc />
    public SamplingResult Sample(SamplingRequest request)
    {
        var model = SigmaDenoiser.For(request, sampler: Info);
        // A whole schedule lends its training range (k-diffusion's model.sigma_min/max); a slice its own first and last level.
        var (low, high) = request.Schedule.StartIndex == 0 && request.Schedule.EndsAtFullEnd
            ? (model.Table.SigmaMin, model.Table.SigmaMax)
            : (model.Sigmas.Where(s => s > 0).Min(), model.Sigmas[0]);
        double sigmaMin = Options.SigmaMin > 0 ? Options.SigmaMin : low;
        double sigmaMax = Options.SigmaMax > 0 ? Options.SigmaMax : high;
        if (!(sigmaMax > sigmaMin))
        {
            throw new ArgumentException($"sampler.dpm_adaptive: sigma_max ({sigmaMax}) must exceed sigma_min ({sigmaMin}).");
        }

        var run = new Run(this, request, model);
        return run.Sample(sigmaMin, sigmaMax);
    }

    /// <summary>One sampling run: the loop state lives here, not in the shared sampler.</summary>
    private sealed class Run(DpmAdaptiveSampler owner, SamplingRequest request, SigmaDenoiser model)
    {
        private readonly DpmAdaptiveOptions options = owner.Options;

        public SamplingResult Sample(double sigmaMin, double sigmaMax)
        {
            var x = SamplerTensors.Initial(request, sigmaMax);
            double lambdaStart = -Math.Log(sigmaMax), lambdaEnd = -Math.Log(sigmaMin);
            var pid = new PidStepSizeController(Math.Abs(options.HInit), options.Pcoeff, options.Icoeff, options.Dcoeff, options.Eta > 0 ? 1.5 : options.Order, options.AcceptSafety);
            double s = lambdaStart;
            var xPrev = x.alias();
            torch.Tensor? epsAtS = null;
            int accepted = 0, attempts = 0;
            while (s < lambdaEnd - 1e-5)
            {
                request.CancellationToken.ThrowIfCancellationRequested();
                if (++attempts > options.MaxSteps)
                {
                    throw new InvalidOperationException($"sampler.dpm_adaptive: no convergence within max_steps={options.MaxSteps} (at sigma={Sigma(s):G4}); loosen rtol/atol or raise max_steps.");
                }

                torch.Tensor? denoised = null;
                bool accept;
                using (var scope = torch.NewDisposeScope())
                {
                    double t = Math.Min(lambdaEnd, s + pid.H);
                    double tDown = t, sigmaUp = 0;
                    if (options.Eta > 0)
                    {
                        var (sigmaDown, _) = SigmaSteps.Ancestral(Sigma(s), Sigma(t), options.Eta, v => v);
                        tDown = Math.Min(lambdaEnd, -Math.Log(sigmaDown));
                        sigmaUp = Math.Sqrt(Math.Max(0, (Sigma(t) * Sigma(t)) - (Sigma(tDown) * Sigma(tDown))));
                    }

                    epsAtS ??= Eps(x, s).MoveToOuterDisposeScope();
                    var (low, high) = options.Order == 2 ? Pair12(x, s, tDown, epsAtS) : Pair23(x, s, tDown, epsAtS);
                    var delta = torch.maximum(torch.tensor(options.Atol, low.dtype, low.device), options.Rtol * torch.maximum(low.abs(), xPrev.abs()));
                    double error = ((low - high) / delta).square().sum().sqrt().to_type(torch.ScalarType.Float64).item<double>() / Math.Sqrt(x.numel());
                    accept = pid.Propose(double.IsNaN(error) ? double.PositiveInfinity : error);
                    if (accept)
                    {
                        denoised = (x - Sigma(s) * epsAtS).MoveToOuterDisposeScope();
                        var next = sigmaUp > 0 ? high + sigmaUp * options.SNoise * SamplerTensors.Noise(request) : high;
                        Replace(ref xPrev, low);
                        Replace(ref x, next);
                        epsAtS.Dispose();
                        epsAtS = null;
                        s = t;
                    }
                }

                if (accept)
                {
                    // Outside the step's scope, so copies the callback keeps are not disposed with it.
                    request.OnStep?.Invoke(new SamplerStep(accepted, Math.Max(request.Schedule.Count, accepted + 1), model.ModelTime(Sigma(s)), x, denoised));
                    denoised?.Dispose();
                    accepted++;
                }
            }

            xPrev.Dispose();
            epsAtS?.Dispose();
            return model.Result(x, accepted);
        }

        /// <summary>DPM-Solver-1 (low, Lu et al. 2022 Eq. 3.7 with k = 1) and DPM-Solver-2 with r₁ = ½ (high, Algorithm 1).</summary>
        private (torch.Tensor Low, torch.Tensor High) Pair12(torch.Tensor x, double s, double t, torch.Tensor eps)
        {
            double h = t - s;
            var low = x - Sigma(t) * double.ExpM1(h) * eps;
            var high = SecondOrder(x, s, t, eps, 0.5, out _);
            return (low, high);
        }

        /// <summary>DPM-Solver-2 with r₁ = ⅓ (low) and DPM-Solver-3 with r₁ = ⅓, r₂ = ⅔ (high, Algorithm 2); they share ε̂ at s + h/3.</summary>
        private (torch.Tensor Low, torch.Tensor High) Pair23(torch.Tensor x, double s, double t, torch.Tensor eps)
        {
            const double r1 = 1.0 / 3, r2 = 2.0 / 3;
            double h = t - s;
            var low = SecondOrder(x, s, t, eps, r1, out var epsR1);
            double s2 = s + (r2 * h);
            var u2 = x - Sigma(s2) * double.ExpM1(r2 * h) * eps
                - Sigma(s2) * (r2 / r1) * ((double.ExpM1(r2 * h) / (r2 * h)) - 1) * (epsR1 - eps);
            var epsR2 = Eps(u2, s2);
            var high = x - Sigma(t) * double.ExpM1(h) * eps - Sigma(t) / r2 * ((double.ExpM1(h) / h) - 1) * (epsR2 - eps);
            return (low, high);
        }

        /// <summary>DPM-Solver-2 (Lu et al. 2022, Algorithm 1): u = x − σ_{s₁}(e^{r₁h} − 1) ε̂_s, x_t = x − σ_t(e^h − 1) ε̂_s − σ_t/(2r₁) (e^h − 1)(ε̂_{s₁} − ε̂_s).</summary>
        private torch.Tensor SecondOrder(torch.Tensor x, double s, double t, torch.Tensor eps, double r1, out torch.Tensor epsR1)
        {
            double h = t - s;
            double s1 = s + (r1 * h);
            var u1 = x - Sigma(s1) * double.ExpM1(r1 * h) * eps;
            epsR1 = Eps(u1, s1);
            return x - Sigma(t) * double.ExpM1(h) * eps - Sigma(t) / (2 * r1) * double.ExpM1(h) * (epsR1 - eps);
        }

        /// <summary>ε̂ = (x − D(x; σ))/σ at λ, with D from the denoiser through the VP scalings (c_in = 1/sqrt(σ²+1)).</summary>
        private torch.Tensor Eps(torch.Tensor x, double lambda)
        {
            double sigma = Sigma(lambda);
            return (x - Denoise(x, sigma)) / sigma;
        }

        /// <summary>D(x; σ) through the model wrapper (c_in scaling, σ → t, guidance).</summary>
        private torch.Tensor Denoise(torch.Tensor x, double sigma) => model.Denoise(x, sigma);

        private static double Sigma(double lambda) => Math.Exp(-lambda);

        private static void Replace(ref torch.Tensor slot, torch.Tensor next)
        {
            var old = slot;
            slot = next.MoveToOuterDisposeScope();
            if (!ReferenceEquals(old, slot))
            {
                old.Dispose();
            }

            // One step done: free the native scalars TorchSharp leaves to finalizers (see NativeObjectReclaimer).
            NativeObjectReclaimer.Tick();
        }
    }
}
