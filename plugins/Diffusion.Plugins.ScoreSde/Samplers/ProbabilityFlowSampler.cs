using Diffusion.Contracts;
using TorchSharp;

namespace Diffusion.Plugins.ScoreSde;

/// <summary>
/// Samples by integrating the probability-flow ODE dx/dt = f(x, t) − ½ g(t)² ∇_x log p_t(x) (Song et al. 2021, Eq. 13)
/// from t = T (x_T from the prior) down to t = ε: with fixed-step Euler, Heun or classic RK4 over linspace(T, ε, N+1),
/// or with adaptive Dormand–Prince 5(4) (the paper uses scipy's RK45 with rtol = atol = 1e-5, Appendix D.3). The ODE
/// is deterministic: the generator is only used for x_T. NFE is reported in <see cref="SamplingResult.FunctionEvaluations"/>.
/// </summary>
public sealed class ProbabilityFlowSampler : ISampler
{
    /// <summary>Creates the sampler from its node params.</summary>
    public ProbabilityFlowSampler(ProbabilityFlowOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Method is not ("euler" or "heun" or "rk4" or "dopri5"))
        {
            throw new ArgumentException($"sampler.probability_flow: method must be euler, heun, rk4 or dopri5, got '{options.Method}'.", nameof(options));
        }

        if (options.Method == "dopri5" && !(options.Rtol > 0 || options.Atol > 0))
        {
            throw new ArgumentException("sampler.probability_flow: dopri5 needs rtol > 0 or atol > 0.", nameof(options));
        }

        Options = options;
    }

    /// <summary>The params this sampler was built from.</summary>
    public ProbabilityFlowOptions Options { get; }

    /// <inheritdoc />
    public SamplerInfo Info => new($"probability_flow_{Options.Method}", Stochastic: false, Adaptive: Options.Method == "dopri5") { Needs = ScheduleFeatures.Sde };

    /// <inheritdoc />
    public SamplingResult Sample(SamplingRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var sde = SdeScore.RequireSde(request.Scheduler, "probability_flow");
        var x = SdeScore.InitialSample(request, sde);
        // The schedule gives the time range: T to ε for a whole schedule, a slice's own start and end otherwise.
        double start = request.Schedule.Timesteps[0], end = request.Schedule.EndTimestep ?? sde.Epsilon;
        int evaluations = 0;
        torch.Tensor Velocity(torch.Tensor y, double t)
        {
            evaluations++;
            return ProbabilityFlow(request, sde, y, t);
        }

        int steps;
        if (Options.Method == "dopri5")
        {
            var settings = new DormandPrince.Settings(Options.Rtol, Options.Atol, Options.HInit, Options.Safety, Options.MinFactor, Options.MaxFactor, Options.MaxEvaluations);
            var outcome = DormandPrince.Integrate(
                Velocity, x, start, end, settings,
                (index, t, y) => request.OnStep?.Invoke(new SamplerStep(index, Math.Max(request.Schedule.Count, index + 1), t, y, null)),
                request.CancellationToken);
            x.Dispose();
            x = outcome.Y;
            steps = outcome.Accepted;
        }
        else
        {
            steps = request.Schedule.Count;
            IntegrateFixed(request, start, end, ref x, steps, Velocity);
        }

        if (Options.Denoise)
        {
            using var scope = torch.NewDisposeScope();
            var (_, denoised) = SdeScore.Evaluate(request, x, sde.Epsilon);
            evaluations++;
            SdeScore.Replace(ref x, denoised);
        }

        return new SamplingResult(x, evaluations, steps);
    }

    /// <summary>The ODE's velocity f(x, t) − ½ g(t)² s(x, t) (Song et al. 2021, Eq. 13).</summary>
    private static torch.Tensor ProbabilityFlow(SamplingRequest request, ISdeScheduler sde, torch.Tensor x, double t)
    {
        using var scope = torch.NewDisposeScope();
        var (drift, diffusion) = sde.Sde(x, SdeGrid.TimeLike(x, t));
        var (score, _) = SdeScore.Evaluate(request, x, t);
        var g = IScheduler.Broadcast(diffusion, x);
        return (drift - 0.5 * g.square() * score).MoveToOuterDisposeScope();
    }

    /// <summary>Euler (order 1), Heun (trapezoidal predictor-corrector, order 2) or RK4 (order 4) on N equal steps from start to end.</summary>
    private void IntegrateFixed(SamplingRequest request, double start, double end, ref torch.Tensor x, int steps, Func<torch.Tensor, double, torch.Tensor> f)
    {
        double h = (end - start) / steps;
        for (int i = 0; i < steps; i++)
        {
            request.CancellationToken.ThrowIfCancellationRequested();
            double t = start + (i * h);
            using (var scope = torch.NewDisposeScope())
            {
                var k1 = f(x, t);
                torch.Tensor next = Options.Method switch
                {
                    "euler" => x + h * k1,
                    "heun" => x + (h / 2) * (k1 + f(x + h * k1, t + h)),
                    _ => Rk4(x, t, h, k1, f),
                };
                SdeScore.Replace(ref x, next);
            }

            double tNext = i == steps - 1 ? end : t + h;
            request.OnStep?.Invoke(new SamplerStep(i, steps, tNext, x, null));
        }
    }

    private static torch.Tensor Rk4(torch.Tensor x, double t, double h, torch.Tensor k1, Func<torch.Tensor, double, torch.Tensor> f)
    {
        var k2 = f(x + (h / 2) * k1, t + (h / 2));
        var k3 = f(x + (h / 2) * k2, t + (h / 2));
        var k4 = f(x + h * k3, t + h);
        return x + (h / 6) * (k1 + 2 * k2 + 2 * k3 + k4);
    }
}
