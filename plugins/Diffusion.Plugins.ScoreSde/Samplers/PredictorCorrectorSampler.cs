using Diffusion.Contracts;
using TorchSharp;

namespace Diffusion.Plugins.ScoreSde;

/// <summary>
/// Predictor-corrector sampling (Song et al. 2021, Algorithm 1, Appendix G): at each time t_i of linspace(1, ε, N),
/// M Langevin corrector steps (Algorithms 4–5) then one predictor step of the reverse SDE (Eq. 6): reverse diffusion
/// (the SDE's own discretisation reversed, Eq. 46–47: x ← x − (f_i − G_i² s) + G_i z) or Euler–Maruyama
/// (x ← x − (f − g² s) Δt + g sqrt(Δt) z, Δt = 1/N). With the VE SDE, reverse diffusion + Langevin + N levels is
/// diffusers' <c>ScoreSdeVeScheduler</c> loop, noise drawn in the same order from the request's generator.
/// </summary>
public sealed class PredictorCorrectorSampler : ISampler
{
    /// <summary>Creates the sampler from its node params.</summary>
    public PredictorCorrectorSampler(PredictorCorrectorOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Predictor is not ("reverse_diffusion" or "euler_maruyama" or "none"))
        {
            throw new ArgumentException($"sampler.pc: predictor must be reverse_diffusion, euler_maruyama or none, got '{options.Predictor}'.", nameof(options));
        }

        if (options.Corrector is not ("langevin" or "none"))
        {
            throw new ArgumentException($"sampler.pc: corrector must be langevin or none, got '{options.Corrector}'.", nameof(options));
        }

        ArgumentOutOfRangeException.ThrowIfNegative(options.CorrectSteps);
        ArgumentOutOfRangeException.ThrowIfNegative(options.Snr);
        Options = options;
    }

    /// <summary>The params this sampler was built from.</summary>
    public PredictorCorrectorOptions Options { get; }

    /// <inheritdoc />
    public SamplerInfo Info => new("pc", Stochastic: true) { Needs = ScheduleFeatures.Sde };

    /// <inheritdoc />
    public SamplingResult Sample(SamplingRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var sde = SdeScore.RequireSde(request.Scheduler, "pc");
        var discretization = sde as ISdeDiscretization;
        var times = request.Schedule.Timesteps;
        // The discretisation's levels are those of the full schedule, so a slice steps between the same levels.
        int levels = request.Schedule.TotalSteps;
        int corrections = Options.Corrector == "langevin" ? Options.CorrectSteps : 0;

        var x = SdeScore.InitialSample(request, sde);
        var xMean = x.alias();
        int evaluations = 0;
        for (int i = 0; i < times.Count; i++)
        {
            request.CancellationToken.ThrowIfCancellationRequested();
            double t = times[i];
            torch.Tensor? denoised;
            using (var scope = torch.NewDisposeScope())
            {
                var current = x;
                for (int m = 0; m < corrections; m++)
                {
                    var (score, _) = SdeScore.Evaluate(request, current, t);
                    evaluations++;
                    double alphaI = discretization?.LangevinAlpha(t, levels) ?? 1.0;
                    current = LangevinStep(request, current, score, alphaI);
                }

                var (next, nextMean, stepDenoised) = Options.Predictor switch
                {
                    "none" => (current, current.alias(), (torch.Tensor?)null),
                    _ => PredictorStep(request, sde, discretization, current, t, levels),
                };
                if (Options.Predictor != "none")
                {
                    evaluations++;
                }

                SdeScore.Replace(ref x, next);
                SdeScore.Replace(ref xMean, nextMean);
                denoised = stepDenoised?.MoveToOuterDisposeScope();
            }

            // Outside the step's scope, so copies the callback keeps are not disposed with it.
            request.OnStep?.Invoke(new SamplerStep(i, levels, t, x, denoised));
            denoised?.Dispose();
        }

        var result = Options.Denoise ? xMean : x;
        (Options.Denoise ? x : xMean).Dispose();
        return new SamplingResult(result, evaluations, levels);
    }

    /// <summary>
    /// One Langevin step (Song et al. 2021, Algorithm 5): ε = 2 α_i (r ‖z‖ / ‖s‖)², x ← x + ε s + sqrt(2ε) z, with the
    /// norms averaged over the batch as the reference code and diffusers do.
    /// </summary>
    private torch.Tensor LangevinStep(SamplingRequest request, torch.Tensor x, torch.Tensor score, double alphaI)
    {
        var z = StepNoise(request, x);
        var gradNorm = BatchMeanNorm(score);
        var noiseNorm = BatchMeanNorm(z);
        var stepSize = (Options.Snr * noiseNorm / gradNorm).square() * 2 * alphaI;
        var mean = x + stepSize * score;
        return mean + (stepSize * 2).sqrt() * z;
    }

    /// <summary>One predictor step; returns x_{i−1}, its noise-free mean and x̂_0 at t_i.</summary>
    private (torch.Tensor Next, torch.Tensor Mean, torch.Tensor? Denoised) PredictorStep(
        SamplingRequest request, ISdeScheduler sde, ISdeDiscretization? discretization, torch.Tensor x, double t, int levels)
    {
        var (score, denoised) = SdeScore.Evaluate(request, x, t);
        torch.Tensor f, g;
        if (Options.Predictor == "reverse_diffusion" && discretization is not null)
        {
            (f, g) = discretization.Discretize(x, t, levels);
        }
        else
        {
            // Euler–Maruyama with Δt = T/N (Song et al. 2021, Appendix E; the reference code's SDE.discretize).
            double dt = sde.EndTime / levels;
            var (drift, diffusion) = sde.Sde(x, SdeGrid.TimeLike(x, t));
            (f, g) = (drift * dt, diffusion * Math.Sqrt(dt));
        }

        var gB = IScheduler.Broadcast(g, x);
        var reverseDrift = f - gB.square() * score;
        var mean = x - reverseDrift;
        var z = StepNoise(request, x);
        return (mean + gB * z, mean, denoised);
    }

    /// <summary>Standard normal noise shaped like <paramref name="x"/>, drawn on the CPU from the request's generator.</summary>
    private static torch.Tensor StepNoise(SamplingRequest request, torch.Tensor x) =>
        torch.randn(x.shape, request.DType, torch.CPU, generator: request.Generator).to(x.device);

    /// <summary>mean over the batch of ‖v_b‖₂.</summary>
    private static torch.Tensor BatchMeanNorm(torch.Tensor v) => v.reshape(v.shape[0], -1).square().sum(-1).sqrt().mean();
}
