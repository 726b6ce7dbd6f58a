using Diffusion.Contracts;
using TorchSharp;

namespace Diffusion.Plugins.Analytic;

/// <summary>
/// The exact (Bayes-optimal) denoiser of a Gaussian mixture under any scheduler: with (α_t, σ_t) from the scheduler's
/// marginal, p_t = Σ_k w_k N(α_t μ_k, α_t² Σ_k + σ_t² I) and the outputs are the score s = ∇ log p_t, ε = −σ_t s,
/// x̂_0 = (x + σ_t² s)/α_t (Tweedie's formula, Efron 2011; Song et al. 2021 Eq. 7 context) or v = α_t ε − σ_t x̂_0
/// (Salimans &amp; Ho 2022). Computed in float64 and returned in the sample's dtype. A sampler driven by it has no
/// network error, so what remains is the sampler's own discretisation error.
/// </summary>
public sealed class GaussianMixtureDenoiser : IDenoiser
{
    private readonly MixtureTime time;

    /// <summary>Creates the denoiser for <paramref name="mixture"/> under <paramref name="scheduler"/>.</summary>
    /// <param name="mixture">The data distribution.</param>
    /// <param name="scheduler">The noise schedule whose marginal defines p_t.</param>
    /// <param name="prediction">What <see cref="Forward"/> returns.</param>
    /// <param name="timeInput">How the time argument is read; null: timesteps for discrete schedules, t for SDEs.</param>
    public GaussianMixtureDenoiser(GaussianMixture mixture, IScheduler scheduler, PredictionType prediction, TimeInput? timeInput = null)
    {
        ArgumentNullException.ThrowIfNull(mixture);
        ArgumentNullException.ThrowIfNull(scheduler);
        Mixture = mixture;
        time = new MixtureTime(scheduler, timeInput ?? MixtureTime.Natural(scheduler));
        Info = new DenoiserInfo { Prediction = prediction, TimeInput = time.TimeInput, SampleShape = [mixture.Dimension] };
    }

    /// <summary>The data distribution.</summary>
    public GaussianMixture Mixture { get; }

    /// <inheritdoc />
    public DenoiserInfo Info { get; }

    /// <inheritdoc />
    public torch.Tensor Forward(torch.Tensor sample, torch.Tensor time, Conditioning? conditioning = null, torch.Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(sample);
        ArgumentNullException.ThrowIfNull(time);
        using var scope = torch.NewDisposeScope();
        var x = Flatten(sample);
        var (alphaT, sigmaT) = this.time.Marginal(time, x.shape[0]);
        var alpha = alphaT.to(x.device).unsqueeze(-1);
        var sigma = sigmaT.to(x.device).unsqueeze(-1);
        var score = Mixture.Score(x, alphaT, sigmaT);
        var output = Info.Prediction switch
        {
            PredictionType.Score => score,
            PredictionType.Epsilon => -sigma * score,
            PredictionType.Sample => (x + sigma.square() * score) / alpha,
            PredictionType.VPrediction => (alpha * -sigma * score) - (sigma * (x + sigma.square() * score) / alpha),
            _ => throw new NotSupportedException($"denoiser.gaussian_mixture: prediction {Info.Prediction} is not supported."),
        };
        return output.reshape(sample.shape).to_type(sample.dtype).MoveToOuterDisposeScope();
    }

    /// <summary>log p_t(x) [batch] (float64) at the given time argument, for likelihood checks and evaluations.</summary>
    public torch.Tensor LogDensity(torch.Tensor sample, torch.Tensor time)
    {
        ArgumentNullException.ThrowIfNull(sample);
        ArgumentNullException.ThrowIfNull(time);
        using var scope = torch.NewDisposeScope();
        var x = Flatten(sample);
        var (alpha, sigma) = this.time.Marginal(time, x.shape[0]);
        return Mixture.LogDensity(x, alpha, sigma).MoveToOuterDisposeScope();
    }

    private torch.Tensor Flatten(torch.Tensor sample)
    {
        var x = sample.reshape(sample.shape[0], -1).to_type(torch.ScalarType.Float64);
        if (x.shape[1] != Mixture.Dimension)
        {
            throw new ArgumentException($"denoiser.gaussian_mixture: samples have {x.shape[1]} values per item but the mixture has dimension {Mixture.Dimension}; match the sample node's shape to the means.");
        }

        return x;
    }
}
