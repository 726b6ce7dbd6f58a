using Diffusion.Contracts;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Sdk;

/// <summary>
/// The model wrapper D(x; σ) for sigma-space samplers (k-diffusion's <c>external.py</c>; Karras et al. 2022, Table 1 and
/// Eq. 7): D(x; σ) = c_skip(σ) x + c_out(σ) F(c_in(σ) x; t(σ)) for a network F trained on a discrete VP schedule, with
/// c_in = 1/sqrt(σ² + 1) and c_skip, c_out per prediction type (ε: 1, −σ; v: 1/(σ² + 1), −σ/sqrt(σ² + 1); x_0: 0, 1).
/// The model time is the schedule's timestep at a schedule step, σ → t interpolated over the ᾱ table elsewhere, or σ
/// itself for σ-conditioned networks. Guidance is applied once, in <see cref="SamplingRequest.Predict"/>. One wrapper
/// per run (it counts network evaluations); not shared between threads.
/// </summary>
public sealed class SigmaDenoiser
{
    private readonly Lazy<DiscreteSigmas> table;

    private SigmaDenoiser(SamplingRequest request, PredictionType prediction)
    {
        Request = request;
        Prediction = prediction;
        table = new Lazy<DiscreteSigmas>(() => DiscreteSigmas.From(request.Scheduler, "σ → t interpolation"));
    }

    /// <summary>The run.</summary>
    public SamplingRequest Request { get; }

    /// <summary>The prediction type in effect.</summary>
    public PredictionType Prediction { get; }

    /// <summary>Network evaluations so far (a guided batch counts once).</summary>
    public int Evaluations { get; private set; }

    /// <summary>The sigmas of the run's schedule (steps + 1 levels, the last usually 0).</summary>
    public IReadOnlyList<double> Sigmas => Request.Schedule.Sigmas;

    /// <summary>
    /// The wrapper for a run; <paramref name="prediction"/> overrides what the denoiser declares. Fails with the reason
    /// when <paramref name="sampler"/> cannot run on the request's schedule and denoiser
    /// (<see cref="SamplerInfo.Explain"/>) or the schedule has no sigma view.
    /// </summary>
    public static SigmaDenoiser For(SamplingRequest request, PredictionType? prediction = null, SamplerInfo? sampler = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (sampler is not null)
        {
            SamplerRequirements.Ensure(sampler, request, prediction);
        }

        if (request.Schedule.Sigmas.Count != request.Schedule.Count + 1)
        {
            throw new NotSupportedException(
                $"sigma-space samplers need a schedule with a sigma per step plus the final level; {request.Scheduler.GetType().Name} gave {request.Schedule.Sigmas.Count} sigmas for {request.Schedule.Count} steps. "
                + ComponentTraits.AdviceFor(ScheduleFeatures.Sigmas));
        }

        return new SigmaDenoiser(request, Parameterization.Resolve(prediction, request.Denoiser));
    }

    /// <summary>c_in(σ) x = x / sqrt(σ² + 1): the network input at noise level σ (as diffusers' <c>scale_model_input</c> rounds it).</summary>
    public static Tensor ScaleInput(Tensor x, double sigma)
    {
        ArgumentNullException.ThrowIfNull(x);
        var r = Precision.Of(x);
        // diffusers divides by sqrt(σ² + 1); multiplying by its reciprocal would round differently.
        return x / r(Math.Sqrt(r(r(sigma * sigma) + 1)));
    }

    /// <summary>The starting x: as <see cref="SamplerTensors.Initial"/> in sigma space, with the initial noise scale of <paramref name="rule"/>.</summary>
    public Tensor Initial(InitNoiseScale rule = InitNoiseScale.SigmaMax)
    {
        double max = Sigmas.Max();
        double scale = rule switch
        {
            InitNoiseScale.SigmaMax => max,
            // (σ_max² + 1) ** 0.5 on a float32 tensor: rounded after each operation.
            _ => (float)Math.Sqrt((float)((float)(max * max) + 1)),
        };
        return SamplerTensors.Initial(Request, scale, SampleSpace.SigmaScaled);
    }

    /// <summary>D(x; σ_i) at step <paramref name="step"/> of the schedule (its σ and its timestep).</summary>
    public Tensor Denoise(Tensor x, int step) => Denoise(x, Sigmas[step], Request.Schedule.Timesteps[step]);

    /// <summary>D(x; σ) at any σ, the model time found by σ → t interpolation (or σ for σ-conditioned networks).</summary>
    public Tensor Denoise(Tensor x, double sigma) => Denoise(x, sigma, ModelTime(sigma));

    /// <summary>D(x; σ) with an explicit model time.</summary>
    public Tensor Denoise(Tensor x, double sigma, double modelTime) => ToDenoised(Output(x, sigma, modelTime), x, sigma, sigma);

    /// <summary>The raw (guided) network output F(c_in(σ) x; t), for rules that combine it themselves.</summary>
    public Tensor Output(Tensor x, double sigma, double modelTime)
    {
        ArgumentNullException.ThrowIfNull(x);
        Evaluations++;
        double time = Request.Denoiser.Info.TimeInput == TimeInput.Sigma ? sigma : modelTime;
        return Request.Predict(ScaleInput(x, sigma), SamplerTensors.Time(Request, time)).to(x.dtype);
    }

    /// <summary>x̂_0 from a raw output: c_skip x + c_out F, with σ̂ (σ raised by churn) in the ε and score cases.</summary>
    public Tensor ToDenoised(Tensor output, Tensor x, double sigma, double sigmaHat) =>
        Parameterization.DenoisedAtSigma(Prediction, output, x, sigma, sigmaHat);

    /// <summary>The σ table of the run's ᾱ (for the range of adaptive solvers); fails with the reason on non-discrete schedules.</summary>
    public DiscreteSigmas Table => table.Value;

    /// <summary>
    /// The VP coefficients of noise level σ: α = 1/sqrt(σ² + 1), σ_VP = σ α (x_VP = α x_0 + σ_VP ε), rounded as diffusers'
    /// DPM-Solver rounds them. For samplers that keep x in VP space (diffusers' formulation) and use σ only for coefficients.
    /// </summary>
    public static (double Alpha, double Sigma) VpCoefficients(double sigma, Func<double, double> round)
    {
        ArgumentNullException.ThrowIfNull(round);
        double alpha = round(1 / round(Math.Sqrt(round(round(sigma * sigma) + 1))));
        return (alpha, round(sigma * alpha));
    }

    /// <summary>The raw (guided) output for x already in VP space (c_in applied) at schedule step <paramref name="step"/>.</summary>
    public Tensor OutputVp(Tensor xVp, int step)
    {
        ArgumentNullException.ThrowIfNull(xVp);
        Evaluations++;
        double time = Request.Denoiser.Info.TimeInput == TimeInput.Sigma ? Sigmas[step] : Request.Schedule.Timesteps[step];
        return Request.Predict(xVp, SamplerTensors.Time(Request, time)).to(xVp.dtype);
    }

    /// <summary>x̂_0 from a raw output for VP-space x at σ: (x − σ_VP ε̂)/α, α x − σ_VP v̂, x̂_0, or (x + σ_VP² ŝ)/α.</summary>
    public Tensor DenoisedVp(Tensor output, Tensor xVp, double sigma)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(xVp);
        var (alpha, sigmaVp) = VpCoefficients(sigma, Precision.Of(xVp));
        return Prediction switch
        {
            PredictionType.Epsilon => (xVp - sigmaVp * output) / alpha,
            PredictionType.VPrediction => alpha * xVp - sigmaVp * output,
            PredictionType.Sample => output.alias(),
            PredictionType.Score => (xVp + Precision.Of(xVp)(sigmaVp * sigmaVp) * output) / alpha,
            _ => throw new NotSupportedException($"prediction type {ComponentTraits.Name(Prediction)} has no conversion to x0."),
        };
    }

    /// <summary>ε̂ from a raw output for VP-space x at σ: ε̂, α v̂ + σ_VP x, (x − α x̂_0)/σ_VP, or −σ_VP ŝ.</summary>
    public Tensor EpsilonVp(Tensor output, Tensor xVp, double sigma)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(xVp);
        var (alpha, sigmaVp) = VpCoefficients(sigma, Precision.Of(xVp));
        return Prediction switch
        {
            PredictionType.Epsilon => output.alias(),
            PredictionType.VPrediction => alpha * output + sigmaVp * xVp,
            PredictionType.Sample => (xVp - alpha * output) / sigmaVp,
            PredictionType.Score => -sigmaVp * output,
            _ => throw new NotSupportedException($"prediction type {ComponentTraits.Name(Prediction)} has no conversion to epsilon."),
        };
    }

    /// <summary>
    /// The model time for σ: σ itself for σ-conditioned networks, else its fractional timestep on the ᾱ table (divided by
    /// T − 1 for networks that take continuous time in [0, 1]).
    /// </summary>
    public double ModelTime(double sigma) => Request.Denoiser.Info.TimeInput switch
    {
        TimeInput.Sigma => sigma,
        TimeInput.ContinuousTime => table.Value.SigmaToT(sigma) / (table.Value.Count - 1),
        _ => table.Value.SigmaToT(sigma),
    };

    /// <summary>The result of a run that ends at <paramref name="x"/> after <paramref name="steps"/> steps.</summary>
    public SamplingResult Result(Tensor x, int steps) => new(x, Evaluations, steps);
}
