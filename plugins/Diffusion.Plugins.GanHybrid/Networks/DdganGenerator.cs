using System.Globalization;
using System.Reflection;
using System.Text.Json;
using Diffusion.Contracts;
using Diffusion.Torch;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Plugins.GanHybrid;

/// <summary>
/// A DDGAN generator G(x_t, t, z) as a denoiser (Xiao, Kreis, Vahdat 2022): it predicts x_0 (<see cref="PredictionType.Sample"/>)
/// from x_t at integer timestep t, drawing its latent z ~ N(0, I) [batch, latent_dim] from the generator it is given
/// (<see cref="DenoiserInfo.UsesGenerator"/>), so samples follow the run seed; without one it draws from a fresh
/// generator seeded with <see cref="DdganGeneratorOptions.Seed"/>. Points use <see cref="MlpGeneratorNetwork"/>,
/// images <see cref="ConvGeneratorNetwork"/>. <see cref="Forward"/> runs under no_grad while the network is in eval mode.
/// </summary>
public sealed class DdganGenerator : ITrainableDenoiser
{
    /// <summary>The node type stored under <c>node_type</c>.</summary>
    public const string NodeTypeName = "denoiser.ddgan";

    /// <summary>The format metadata of a plain denoiser file.</summary>
    public const string DenoiserFormat = "diffusion.denoiser";

    /// <summary>The format metadata of a training checkpoint.</summary>
    public const string TrainingFormat = "diffusion.training_checkpoint";

    /// <summary>The largest sample size or channel multiplier params or a file may declare (a 4096-wide image is far past any use here).</summary>
    internal const int MaxMetadataDimension = 4096;

    // The conv generator halves the size twice; below 4 its innermost level would be a single position or less.
    internal const int MinImageSize = 4;

    private readonly GeneratorNetwork network;

    private DdganGenerator(DdganGeneratorOptions options, GeneratorNetwork network)
    {
        Options = options with { Checkpoint = null };
        this.network = network;
        Info = new DenoiserInfo
        {
            Prediction = PredictionType.Sample,
            TimeInput = TimeInput.Timestep,
            SampleShape = [.. options.SampleShape.Select(v => (long)v)],
            NumClasses = options.NumClasses,
            UsesGenerator = true,
        };
        Config = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["node_type"] = NodeTypeName,
            ["sample_shape"] = string.Join(",", options.SampleShape.Select(v => v.ToString(CultureInfo.InvariantCulture))),
            ["hidden"] = Invariant(options.Hidden),
            ["layers"] = Invariant(options.Layers),
            ["fourier_features"] = Invariant(options.FourierFeatures),
            ["channels"] = Invariant(options.Channels),
            ["channel_mult"] = string.Join(",", options.ChannelMult.Select(v => v.ToString(CultureInfo.InvariantCulture))),
            ["latent_dim"] = Invariant(options.LatentDim),
            ["mapping_layers"] = Invariant(options.MappingLayers),
            ["embedding_dim"] = Invariant(options.EmbeddingDim),
            ["num_classes"] = Invariant(options.NumClasses),
            ["output_tanh"] = options.OutputTanh ? "true" : "false",
            ["prediction"] = "sample",
            ["time_input"] = "timestep",
        };
    }

    /// <summary>The architecture (never a checkpoint path).</summary>
    public DdganGeneratorOptions Options { get; }

    /// <inheritdoc />
    public DenoiserInfo Info { get; }

    /// <inheritdoc />
    public nn.Module Network => network;

    /// <inheritdoc />
    public IReadOnlyDictionary<string, string> Config { get; }

    /// <summary>Width of the latent z.</summary>
    public int LatentDim => Options.LatentDim;

    /// <summary>A freshly initialised generator (weights from <see cref="DdganGeneratorOptions.Seed"/>) on <paramref name="device"/>.</summary>
    public static DdganGenerator Create(DdganGeneratorOptions options, Device device)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.ModulationInit is not ("identity" or "random"))
        {
            throw new ArgumentException($"denoiser.ddgan: modulation_init must be 'identity' or 'random', got '{options.ModulationInit}'.", nameof(options));
        }

        var generator = Build(options);
        using (var seeded = new Generator((ulong)options.Seed, CPU))
        {
            // "identity": modulations start at zero so every norm starts as the plain norm; "random": they start like any
            // linear layer, so z matters from the first step (the DDGAN code's AdaGN).
            Func<string, bool>? zeroed = options.ModulationInit == "random"
                ? null
                : name => name.Contains("modulations", StringComparison.Ordinal) || name.Contains(".style.", StringComparison.Ordinal);
            SeededInitialisation.Apply(generator.network, seeded, zeroed);
        }

        generator.network.to(device);
        return generator;
    }

    /// <summary>Loads a file written by <see cref="Save"/> or a <c>train.ddgan</c> checkpoint (EMA weights preferred).</summary>
    public static DdganGenerator Load(string path, Device device)
    {
        var header = SafeTensors.ReadHeader(path);
        var options = OptionsFromConfig(header.Metadata, path);
        var all = SafeTensors.Load(path);
        try
        {
            var weights = all;
            if (header.Metadata.TryGetValue("format", out var format) && format == TrainingFormat)
            {
                var prefix = all.Keys.Any(k => k.StartsWith("ema.", StringComparison.Ordinal)) ? "ema." : "network.";
                weights = all.Where(p => p.Key.StartsWith(prefix, StringComparison.Ordinal)).ToDictionary(p => p.Key[prefix.Length..], p => p.Value, StringComparer.Ordinal);
            }

            var generator = Build(options);
            CopyInto(generator.network, weights, path);
            generator.network.to(device);
            return generator;
        }
        finally
        {
            foreach (var tensor in all.Values)
            {
                tensor.Dispose();
            }
        }
    }

    /// <summary>Writes the weights (state-dict keys) with <see cref="Config"/> as metadata.</summary>
    public void Save(string path)
    {
        var metadata = new Dictionary<string, string>(Config, StringComparer.Ordinal) { ["format"] = DenoiserFormat };
        SafeTensors.Save(path, network.state_dict(), metadata);
    }

    /// <summary>The options stored in checkpoint metadata; throws naming a missing or bad key.</summary>
    public static DdganGeneratorOptions OptionsFromConfig(IReadOnlyDictionary<string, string> config, string source)
    {
        ArgumentNullException.ThrowIfNull(config);
        string Get(string key) => config.TryGetValue(key, out var value)
            ? value
            : throw new InvalidDataException($"{source}: metadata key '{key}' is missing; the file was not written for {NodeTypeName}.");
        int GetInt(string key) => int.TryParse(Get(key), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)
            ? InRange(key, value)
            : throw new InvalidDataException($"{source}: metadata '{key}' = '{Get(key)}' is not an integer.");
        int[] GetInts(string key) => Get(key).Split(',').Select(v => int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out var x) && x is > 0 and <= MaxMetadataDimension
            ? x
            : throw new InvalidDataException($"{source}: metadata '{key}' = '{Get(key)}' is not a list of integers in [1, {MaxMetadataDimension}].")).ToArray();

        // The ranges the params allow: a file is untrusted input, and a huge or negative width would reach libtorch
        // as an allocation or a native error before any shape check (docs/reliability.md).
        int InRange(string key, int value)
        {
            var param = typeof(DdganGeneratorOptions).GetProperties()
                .FirstOrDefault(p => JsonNamingPolicy.SnakeCaseLower.ConvertName(p.Name) == key)?.GetCustomAttribute<ParamAttribute>();
            return param is null || ((double.IsNaN(param.Min) || value >= param.Min) && (double.IsNaN(param.Max) || value <= param.Max))
                ? value
                : throw new InvalidDataException($"{source}: metadata '{key}' = {value} is outside [{param.Min}, {param.Max}], the range {NodeTypeName} allows; the file is damaged or was not written by this plugin.");
        }

        if (config.TryGetValue("node_type", out var nodeType) && nodeType != NodeTypeName)
        {
            throw new InvalidDataException($"{source}: the file holds a '{nodeType}' network, not {NodeTypeName}.");
        }

        return new DdganGeneratorOptions
        {
            SampleShape = GetInts("sample_shape"),
            Hidden = GetInt("hidden"),
            Layers = GetInt("layers"),

            // Files written before the positional encoding existed use raw coordinates.
            FourierFeatures = config.ContainsKey("fourier_features") ? GetInt("fourier_features") : 0,
            Channels = GetInt("channels"),
            ChannelMult = GetInts("channel_mult"),
            LatentDim = GetInt("latent_dim"),
            MappingLayers = GetInt("mapping_layers"),
            EmbeddingDim = GetInt("embedding_dim"),
            NumClasses = GetInt("num_classes"),
            OutputTanh = Get("output_tanh") == "true",
        };
    }

    /// <inheritdoc />
    public Tensor Forward(Tensor sample, Tensor time, Conditioning? conditioning = null, torch.Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(sample);
        ArgumentNullException.ThrowIfNull(time);
        CheckShape(sample);
        long batch = sample.shape[0];
        Tensor latent;
        if (generator is null)
        {
            using var own = new Generator((ulong)Options.Seed, CPU);
            latent = randn([batch, LatentDim], ScalarType.Float32, generator: own);
        }
        else
        {
            latent = randn([batch, LatentDim], ScalarType.Float32, generator: generator);
        }

        using (latent)
        {
            return Generate(sample, time, latent.to(sample.device), conditioning?.ClassLabels);
        }
    }

    /// <summary>
    /// G(x_t, t, z, y) with an explicit latent <paramref name="latent"/> [batch, latent_dim] (what a trainer calls);
    /// autograd is on only while the network is in train mode. Missing labels of a conditional generator are the null label.
    /// </summary>
    public Tensor Generate(Tensor sample, Tensor time, Tensor latent, Tensor? labels)
    {
        ArgumentNullException.ThrowIfNull(sample);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(latent);
        using var gradMode = network.training ? null : no_grad();
        using var scope = NewDisposeScope();
        long batch = sample.shape[0];
        var t = time.to(ScalarType.Float32, sample.device);
        t = t.numel() == 1 ? t.reshape(1).expand(batch) : t.reshape(batch);
        if (labels is null && Info.NumClasses > 0)
        {
            labels = full([batch], Info.NumClasses, ScalarType.Int64, sample.device);
        }
        else if (labels is not null && Info.NumClasses == 0)
        {
            throw new ArgumentException($"{NodeTypeName}: class labels were given, but this generator is unconditional (num_classes 0).");
        }

        return network.Forward(sample, t, latent, labels).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public ITrainableDenoiser Replicate(Device device)
    {
        var copy = Build(Options);
        using (no_grad())
        {
            var source = network.state_dict();
            foreach (var (name, tensor) in copy.network.state_dict())
            {
                tensor.copy_(source[name]);
            }
        }

        copy.network.to(device);
        return copy;
    }

    private void CheckShape(Tensor sample)
    {
        if (sample.dim() != Options.SampleShape.Length + 1 || !sample.shape.Skip(1).SequenceEqual(Options.SampleShape.Select(v => (long)v)))
        {
            throw new ArgumentException($"{NodeTypeName} takes samples [batch, {string.Join(", ", Options.SampleShape)}], got [{string.Join(", ", sample.shape)}].", nameof(sample));
        }
    }

    private static DdganGenerator Build(DdganGeneratorOptions options)
    {
        if (options.EmbeddingDim % 2 != 0)
        {
            throw new ArgumentException($"{NodeTypeName}: embedding_dim must be even, got {options.EmbeddingDim}.", nameof(options));
        }

        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.LatentDim);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.MappingLayers);
        ArgumentOutOfRangeException.ThrowIfNegative(options.NumClasses);
        GeneratorNetwork network = options.SampleShape.Length switch
        {
            1 when options.SampleShape[0] > 0 => new MlpGeneratorNetwork(options.SampleShape[0], options.Hidden, options.Layers, options.LatentDim, options.MappingLayers, options.EmbeddingDim, options.NumClasses, options.FourierFeatures),
            3 when options.SampleShape.All(v => v > 0) && options.SampleShape[1] >= MinImageSize && options.SampleShape[2] >= MinImageSize =>
                new ConvGeneratorNetwork(options.SampleShape[0], options.Channels, options.ChannelMult, options.LatentDim, options.MappingLayers, options.EmbeddingDim, options.NumClasses, options.OutputTanh),
            _ => throw new ArgumentException($"{NodeTypeName}: sample_shape must be [d] (points) or [channels, size, size] with sizes of at least {MinImageSize} (images), got [{string.Join(", ", options.SampleShape)}]."),
        };
        network.eval();
        return new DdganGenerator(options, network);
    }

    private static void CopyInto(nn.Module network, IReadOnlyDictionary<string, Tensor> weights, string source)
    {
        var expected = network.state_dict();
        var problems = new List<string>();
        foreach (var (name, tensor) in expected)
        {
            if (!weights.TryGetValue(name, out var stored))
            {
                problems.Add($"tensor '{name}' is missing (expected shape [{string.Join(", ", tensor.shape)}])");
            }
            else if (!stored.shape.SequenceEqual(tensor.shape))
            {
                problems.Add($"tensor '{name}' has shape [{string.Join(", ", stored.shape)}] in the file but the network expects [{string.Join(", ", tensor.shape)}]");
            }
        }

        problems.AddRange(weights.Keys.Where(k => !expected.ContainsKey(k)).Select(k => $"tensor '{k}' is not a parameter of the network"));
        if (problems.Count > 0)
        {
            throw new InvalidDataException($"{source}: checkpoint does not match {NodeTypeName}: {string.Join("; ", problems)}.");
        }

        using var noGrad = no_grad();
        foreach (var (name, tensor) in expected)
        {
            tensor.copy_(weights[name]);
        }
    }

    private static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);
}
