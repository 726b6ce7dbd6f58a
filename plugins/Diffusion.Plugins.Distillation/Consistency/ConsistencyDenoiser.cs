using Diffusion.Contracts;
using Diffusion.Sdk;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Plugins.Distillation;

/// <summary>
/// A consistency model as a denoiser: it predicts x_0 = f_θ(x, σ) (<see cref="ConsistencyParameterisation"/>) from the
/// VP-scaled input the SDK's <c>SigmaDenoiser</c> gives σ-conditioned networks (x/sqrt(σ² + 1), time = σ), so any
/// sigma-space sampler can call it; <c>sampler.consistency</c> does multistep consistency sampling with it. The wrapped
/// network keeps its own prediction type and time input; its model time for σ comes from the scheduler's ᾱ table.
/// </summary>
public sealed class ConsistencyDenoiser : IDenoiser
{
    private readonly Lazy<DiscreteSigmas> table;

    /// <summary>Wraps <paramref name="network"/> (trained by train.consistency on <paramref name="scheduler"/>'s σ range).</summary>
    public ConsistencyDenoiser(IDenoiser network, IScheduler scheduler, double sigmaMin, double sigmaData)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(scheduler);
        if (!(sigmaMin > 0) || !(sigmaData > 0))
        {
            throw new ArgumentException($"A consistency model needs sigma_min > 0 and sigma_data > 0, got {sigmaMin} and {sigmaData}.");
        }

        Network = network;
        SigmaMin = sigmaMin;
        SigmaData = sigmaData;
        table = new Lazy<DiscreteSigmas>(() => DiscreteSigmas.From(scheduler, "denoiser.consistency"));
        Info = new DenoiserInfo
        {
            Prediction = PredictionType.Sample,
            TimeInput = TimeInput.Sigma,
            SampleShape = network.Info.SampleShape,
            NumClasses = network.Info.NumClasses,
            CrossAttentionDim = network.Info.CrossAttentionDim,
            UsesGenerator = network.Info.UsesGenerator,
        };
    }

    /// <summary>The network F_θ is read from.</summary>
    public IDenoiser Network { get; }

    /// <summary>σ_min, where f is the identity.</summary>
    public double SigmaMin { get; }

    /// <summary>σ_data of the scalings.</summary>
    public double SigmaData { get; }

    /// <inheritdoc />
    public DenoiserInfo Info { get; }

    /// <summary>f_θ(x, σ) for sigma-space x [batch, ...] and σ [batch] (the training path).</summary>
    public Tensor Consistency(Tensor x, Tensor sigma, Conditioning? conditioning = null)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(sigma);
        var levels = sigma.cpu().to(float64).data<double>().ToArray();
        var cache = new Dictionary<double, double>();
        var times = levels.Select(s => cache.TryGetValue(s, out var t) ? t : cache[s] = ConsistencyParameterisation.ModelTime(Network, table, s)).ToArray();
        using var time = tensor(times, float32, x.device);
        return ConsistencyParameterisation.Evaluate(Network, Network.Info.Prediction, x, sigma, time, conditioning, SigmaMin, SigmaData);
    }

    /// <inheritdoc />
    public Tensor Forward(Tensor sample, Tensor time, Conditioning? conditioning = null, torch.Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(sample);
        ArgumentNullException.ThrowIfNull(time);
        using var scope = NewDisposeScope();
        long batch = sample.shape[0];
        var sigma = time.to(float64).cpu();
        sigma = sigma.numel() == 1 ? sigma.reshape(1).expand(batch) : sigma.reshape(batch);
        // The SigmaDenoiser scaled x by c_in = 1/sqrt(σ² + 1); undo it to get the sigma-space x that f is defined on.
        var x = sample * VectorParameterisation.Broadcast((sigma.square() + 1).sqrt(), sample);
        return Consistency(x, sigma, conditioning).MoveToOuterDisposeScope();
    }
}
