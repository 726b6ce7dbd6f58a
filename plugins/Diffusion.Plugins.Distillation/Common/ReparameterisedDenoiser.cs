using Diffusion.Contracts;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Plugins.Distillation;

/// <summary>
/// A trainable denoiser whose network output is read as another prediction type: the same module and weights, a
/// different <see cref="DenoiserInfo.Prediction"/>, and the <c>prediction</c> entry of <see cref="Config"/> changed, so a
/// checkpoint of it loads with the network's own node as that prediction type. Progressive distillation starts a
/// v-parameterised student from an ε-teacher this way (Salimans &amp; Ho 2022, Sec. 4: ε-prediction breaks down at the
/// low signal-to-noise ratios few-step samplers visit); only the output head has to relearn its meaning.
/// </summary>
public sealed class ReparameterisedDenoiser : ITrainableDenoiser
{
    /// <summary>The metadata key both of our network nodes store the prediction type under.</summary>
    public const string PredictionKey = "prediction";

    private readonly ITrainableDenoiser inner;
    private readonly Dictionary<string, string> config;

    private ReparameterisedDenoiser(ITrainableDenoiser inner, PredictionType prediction)
    {
        this.inner = inner;
        Info = inner.Info with { Prediction = prediction };
        config = new Dictionary<string, string>(inner.Config, StringComparer.Ordinal) { [PredictionKey] = ComponentTraits.Name(prediction) };
    }

    /// <summary>
    /// <paramref name="denoiser"/> read as <paramref name="prediction"/> (itself when it already predicts that). Throws
    /// when its Config has no <c>prediction</c> entry, because a checkpoint of it could then not say what it predicts.
    /// </summary>
    public static ITrainableDenoiser As(ITrainableDenoiser denoiser, PredictionType prediction)
    {
        ArgumentNullException.ThrowIfNull(denoiser);
        if (denoiser.Info.Prediction == prediction)
        {
            return denoiser;
        }

        if (!denoiser.Config.ContainsKey(PredictionKey))
        {
            throw new NotSupportedException(
                $"A {denoiser.GetType().Name} (node type {denoiser.Config.GetValueOrDefault("node_type", "?")}) stores no '{PredictionKey}' in its config, so it cannot be retrained as {ComponentTraits.Name(prediction)}; keep the teacher's prediction type (student_prediction: same).");
        }

        return new ReparameterisedDenoiser(denoiser is ReparameterisedDenoiser wrapped ? wrapped.inner : denoiser, prediction);
    }

    /// <inheritdoc />
    public DenoiserInfo Info { get; }

    /// <inheritdoc />
    public nn.Module Network => inner.Network;

    /// <inheritdoc />
    public IReadOnlyDictionary<string, string> Config => config;

    /// <inheritdoc />
    public Tensor Forward(Tensor sample, Tensor time, Conditioning? conditioning = null, torch.Generator? generator = null) =>
        inner.Forward(sample, time, conditioning, generator);

    /// <inheritdoc />
    public ITrainableDenoiser Replicate(Device device) => new ReparameterisedDenoiser(inner.Replicate(device), Info.Prediction);
}
