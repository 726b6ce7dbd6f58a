using System.Globalization;
using Diffusion.Contracts;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Plugins.Toy2d;

/// <summary>
/// A small MLP denoiser for 2-D points (<see cref="Mlp2dNetwork"/>) with a sinusoidal time embedding. The time
/// argument is scaled before the embedding so every <see cref="TimeInput"/> spans a range like DDPM's 0..1000:
/// timestep t as given, continuous time 1000 t, sigma 250 ln σ (EDM's c_noise = ¼ ln σ, Karras et al. 2022 Table 1,
/// times 1000). <see cref="Forward"/> runs under no_grad while the network is in eval mode (the default), so
/// concurrent inference calls only read weights; a trainer switches its own <see cref="Replicate"/> to train mode.
/// </summary>
public sealed class Mlp2dDenoiser : ITrainableDenoiser
{
    /// <summary>The node type stored under <c>node_type</c> in <see cref="Config"/>.</summary>
    public const string NodeTypeName = "denoiser.mlp2d";

    private const int DataDim = 2;
    private readonly Mlp2dNetwork network;

    private Mlp2dDenoiser(Mlp2dOptions options, Mlp2dNetwork network)
    {
        Options = options with { Checkpoint = null };
        this.network = network;
        Info = new DenoiserInfo
        {
            Prediction = options.Prediction,
            TimeInput = options.TimeInput,
            SampleShape = [DataDim],
            NumClasses = options.NumClasses,
        };
        Config = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["node_type"] = NodeTypeName,
            ["hidden"] = options.Hidden.ToString(CultureInfo.InvariantCulture),
            ["layers"] = options.Layers.ToString(CultureInfo.InvariantCulture),
            ["time_embedding_dim"] = options.TimeEmbeddingDim.ToString(CultureInfo.InvariantCulture),
            ["prediction"] = OptionsJson.Name(options.Prediction),
            ["time_input"] = OptionsJson.Name(options.TimeInput),
            ["num_classes"] = options.NumClasses.ToString(CultureInfo.InvariantCulture),
        };
    }

    /// <summary>The architecture (never a checkpoint path).</summary>
    public Mlp2dOptions Options { get; }

    /// <inheritdoc />
    public DenoiserInfo Info { get; }

    /// <inheritdoc />
    public nn.Module Network => network;

    /// <inheritdoc />
    public IReadOnlyDictionary<string, string> Config { get; }

    /// <summary>A freshly initialised denoiser (weights from <see cref="Mlp2dOptions.Seed"/>) on <paramref name="device"/>.</summary>
    public static Mlp2dDenoiser Create(Mlp2dOptions options, Device device)
    {
        var denoiser = Build(options);
        using (var generator = new Generator((ulong)options.Seed, CPU))
        {
            denoiser.network.Initialise(generator);
        }

        denoiser.network.to(device);
        return denoiser;
    }

    /// <summary>Loads a safetensors file written by <see cref="Save"/> or by <c>train.denoising</c> (see <see cref="Mlp2dCheckpoint"/>).</summary>
    public static Mlp2dDenoiser Load(string path, Device device)
    {
        var (options, tensors) = Mlp2dCheckpoint.Read(path);
        try
        {
            var denoiser = Build(options);
            Mlp2dCheckpoint.CopyInto(denoiser.network, tensors, path);
            denoiser.network.to(device);
            return denoiser;
        }
        finally
        {
            foreach (var tensor in tensors.Values)
            {
                tensor.Dispose();
            }
        }
    }

    /// <summary>Writes the weights (state-dict keys) with <see cref="Config"/> as metadata.</summary>
    public void Save(string path) => Mlp2dCheckpoint.Write(path, network, Config);

    /// <summary>Creates an options record from checkpoint metadata (<see cref="Config"/>); throws naming a missing or bad key.</summary>
    public static Mlp2dOptions OptionsFromConfig(IReadOnlyDictionary<string, string> config, string source)
    {
        ArgumentNullException.ThrowIfNull(config);
        string Get(string key) => config.TryGetValue(key, out var value)
            ? value
            : throw new InvalidDataException($"{source}: metadata key '{key}' is missing; the file was not written for {NodeTypeName}.");
        int GetInt(string key) => int.TryParse(Get(key), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new InvalidDataException($"{source}: metadata '{key}' = '{Get(key)}' is not an integer.");
        if (config.TryGetValue("node_type", out var nodeType) && nodeType != NodeTypeName)
        {
            throw new InvalidDataException($"{source}: the file holds a '{nodeType}' network, not {NodeTypeName}.");
        }

        var options = new Mlp2dOptions
        {
            Hidden = GetInt("hidden"),
            Layers = GetInt("layers"),
            TimeEmbeddingDim = GetInt("time_embedding_dim"),
            Prediction = Parse<PredictionType>("prediction"),
            TimeInput = Parse<TimeInput>("time_input"),
            NumClasses = config.ContainsKey("num_classes") ? GetInt("num_classes") : 0,
        };
        return options;

        TEnum Parse<TEnum>(string key) where TEnum : struct, Enum
        {
            try
            {
                return OptionsJson.Parse<TEnum>(Get(key), $"{source}: metadata '{key}'");
            }
            catch (ArgumentException ex)
            {
                throw new InvalidDataException(ex.Message, ex);
            }
        }
    }

    /// <inheritdoc />
    public Tensor Forward(Tensor sample, Tensor time, Conditioning? conditioning = null, torch.Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(sample);
        ArgumentNullException.ThrowIfNull(time);
        if (sample.dim() != 2 || sample.shape[1] != DataDim)
        {
            throw new ArgumentException($"{NodeTypeName} takes points [batch, {DataDim}], got [{string.Join(", ", sample.shape)}].", nameof(sample));
        }

        // Grad mode is thread-local in libtorch, so this does not affect other runs.
        using var gradMode = network.training ? null : no_grad();
        using var scope = NewDisposeScope();
        var batch = sample.shape[0];
        var t = time.to(ScalarType.Float64, sample.device);
        t = t.dim() == 0 || t.numel() == 1 ? t.reshape(1).expand(batch) : t.reshape(batch);
        var labels = conditioning?.ClassLabels;
        if (Info.NumClasses > 0 && labels is null)
        {
            labels = full([batch], Info.NumClasses, ScalarType.Int64, sample.device);
        }

        return network.Forward(sample, ScaleTime(t), labels).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public ITrainableDenoiser Replicate(Device device)
    {
        var copy = Build(Options);
        using (no_grad())
        {
            var source = network.state_dict();
            foreach (var (name, parameter) in copy.network.named_parameters())
            {
                parameter.copy_(source[name]);
            }
        }

        copy.network.to(device);
        return copy;
    }

    private static Mlp2dDenoiser Build(Mlp2dOptions options)
    {
        if (options.TimeEmbeddingDim % 2 != 0)
        {
            throw new ArgumentException($"{NodeTypeName}: time_embedding_dim must be even, got {options.TimeEmbeddingDim}.", nameof(options));
        }

        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.Hidden);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.Layers);
        ArgumentOutOfRangeException.ThrowIfNegative(options.NumClasses);
        var network = new Mlp2dNetwork(DataDim, options.Hidden, options.Layers, options.TimeEmbeddingDim, options.NumClasses);
        network.eval();
        return new Mlp2dDenoiser(options, network);
    }

    private Tensor ScaleTime(Tensor t) => Info.TimeInput switch
    {
        TimeInput.ContinuousTime => t * 1000.0,
        TimeInput.Sigma => t.clamp_min(1e-20).log() * 250.0,
        _ => t,
    };
}
