using System.Globalization;
using Diffusion.Contracts;
using Diffusion.Nn;
using Diffusion.Torch;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Plugins.Denoisers;

/// <summary>
/// A diffusers-compatible <see cref="UNet2DModel"/> as an <see cref="ITrainableDenoiser"/> (time input: the discrete
/// timestep). Class-conditional when num_class_embeds = classes + 1: <see cref="DenoiserInfo.NumClasses"/> is
/// num_class_embeds − 1 and the last row is the null label that classifier-free guidance and label dropout use.
/// <see cref="Forward"/> runs under no_grad while the network is in eval mode (the default).
/// </summary>
public sealed class UNet2DDenoiser : ITrainableDenoiser
{
    /// <summary>Metadata key of the architecture in our checkpoints.</summary>
    public const string ConfigKey = "config";

    /// <summary>Metadata key of the prediction type.</summary>
    public const string PredictionKey = "prediction";

    /// <summary>The node type that rebuilds this denoiser.</summary>
    public const string NodeTypeName = "denoiser.unet2d";

    private readonly UNet2DModel model;
    private readonly IAttentionBackend? attention;
    private readonly object gate = new();

    /// <summary>Wraps a model (taking ownership).</summary>
    /// <param name="model">The network.</param>
    /// <param name="prediction">What it predicts.</param>
    /// <param name="attention">The backend <paramref name="model"/> was built with (null: dense), given to replicas too.</param>
    public UNet2DDenoiser(UNet2DModel model, PredictionType prediction, IAttentionBackend? attention = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        this.model = model;
        this.attention = attention;
        var config = model.Config;
        int side = config.SampleSize ?? 0;
        Info = new DenoiserInfo
        {
            Prediction = prediction,
            TimeInput = TimeInput.Timestep,
            SampleShape = side > 0 ? [config.InChannels, side, side] : [config.InChannels],
            NumClasses = config.NumClassEmbeds is int n ? n - 1 : 0,
        };
        Config = new Dictionary<string, string>
        {
            ["node_type"] = NodeTypeName,
            [ConfigKey] = config.ToJson(),
            [PredictionKey] = OptionsJson.Name(prediction),
        };
    }

    /// <inheritdoc />
    public DenoiserInfo Info { get; }

    /// <inheritdoc />
    public nn.Module Network => model;

    /// <inheritdoc />
    public IReadOnlyDictionary<string, string> Config { get; }

    /// <summary>The architecture.</summary>
    public UNet2DConfig ModelConfig => model.Config;

    /// <inheritdoc />
    public Tensor Forward(Tensor sample, Tensor time, Conditioning? conditioning = null, torch.Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(sample);
        ArgumentNullException.ThrowIfNull(time);

        // Inference (eval mode, the default) runs without autograd: otherwise every sampler step's output would keep
        // the whole graph of all earlier steps alive (gigabytes after a few DDPM steps). A trainer switches its own
        // Replicate to train mode. Grad mode is thread-local in libtorch, so this does not affect other runs.
        using var gradMode = model.training ? null : no_grad();
        var labels = conditioning?.ClassLabels;
        if (labels is null && Info.NumClasses > 0)
        {
            // Unconditional use of a class-conditional model: the null label.
            using var nullLabels = full(sample.shape[0], (long)Info.NumClasses, ScalarType.Int64);
            return model.forward(sample, time, nullLabels);
        }

        if (labels is not null && Info.NumClasses == 0)
        {
            throw new ArgumentException("denoiser.unet2d: class labels were given, but this UNet is unconditional (num_class_embeds = 0).");
        }

        return model.forward(sample, time, labels);
    }

    /// <inheritdoc />
    public ITrainableDenoiser Replicate(Device device)
    {
        lock (gate)
        {
            var copy = new UNet2DModel(model.Config, attention);
            using (no_grad())
            {
                foreach (var (name, tensor) in model.state_dict())
                {
                    copy.state_dict()[name].copy_(tensor);
                }
            }

            copy.to(device);

            // A replica is an inference denoiser until a trainer switches it to train mode; TorchSharp modules start
            // in train mode, which would keep every sampling step's autograd graph (a 1000-image DDIM-50 run filled
            // 138 GB of an H200 that way).
            copy.eval();
            return new UNet2DDenoiser(copy, Info.Prediction, attention);
        }
    }

    /// <summary>Creates the denoiser a node's params describe.</summary>
    /// <param name="options">The params.</param>
    /// <param name="resolvePath">Resolves <c>pretrained</c> against the pipeline folder.</param>
    /// <param name="device">Where the network lives.</param>
    /// <param name="attention">Computes the attention layers; null means dense.</param>
    public static UNet2DDenoiser Create(UNet2DDenoiserOptions options, Func<string, string> resolvePath, Device device, IAttentionBackend? attention = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(resolvePath);
        if (string.IsNullOrWhiteSpace(options.Pretrained))
        {
            manual_seed(options.Seed);
            var fresh = new UNet2DModel(FreshConfig(options), attention);
            fresh.to(device);
            fresh.eval();
            return new UNet2DDenoiser(fresh, options.Prediction, attention);
        }

        var path = resolvePath(options.Pretrained);
        var (config, weights, prediction) = Directory.Exists(path)
            ? (UNet2DConfig.Load(Path.Combine(path, "config.json")), Path.Combine(path, "diffusion_pytorch_model.safetensors"), options.Prediction)
            : FromCheckpoint(path, options.Prediction);
        var model = new UNet2DModel(config, attention);
        if (File.Exists(weights) && TrainingCheckpointWeights.IsTrainingCheckpoint(SafeTensors.ReadHeader(weights).Metadata))
        {
            // A train.denoising checkpoint: its EMA (or trained) weights under a prefix, next to the optimizer state.
            var tensors = TrainingCheckpointWeights.Load(weights);
            try
            {
                StateDictLoader.Load(model, tensors, weights);
            }
            finally
            {
                foreach (var tensor in tensors.Values)
                {
                    tensor.Dispose();
                }
            }
        }
        else
        {
            StateDictLoader.Load(model, weights);
        }

        model.to(device);
        model.eval();
        return new UNet2DDenoiser(model, prediction, attention);
    }

    /// <summary>The config of a fresh model from params.</summary>
    public static UNet2DConfig FreshConfig(UNet2DDenoiserOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new UNet2DConfig
        {
            SampleSize = options.SampleSize,
            InChannels = options.InChannels,
            OutChannels = options.InChannels,
            BlockOutChannels = options.BlockOutChannels,
            LayersPerBlock = options.LayersPerBlock,
            DownBlockTypes = options.DownBlockTypes,
            UpBlockTypes = options.UpBlockTypes,
            AttentionHeadDim = options.AttentionHeadDim,
            NormNumGroups = options.NormNumGroups,
            NumClassEmbeds = options.NumClassEmbeds > 0 ? options.NumClassEmbeds : null,
        };
    }

    private static (UNet2DConfig Config, string Weights, PredictionType Prediction) FromCheckpoint(string path, PredictionType prediction)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException(
                $"denoiser.unet2d: 'pretrained' = '{path}' is neither a diffusers folder nor a checkpoint file.", path);
        }

        var header = SafeTensors.ReadHeader(path);
        if (!header.Metadata.TryGetValue(ConfigKey, out var json))
        {
            throw new InvalidDataException(
                $"denoiser.unet2d: checkpoint '{path}' has no '{ConfigKey}' entry in its metadata; give a diffusers folder (config.json + weights) instead.");
        }

        var config = UNet2DConfig.Parse(json, $"{path} (metadata '{ConfigKey}')");
        if (!header.Metadata.TryGetValue(PredictionKey, out var stored))
        {
            return (config, path, prediction);
        }

        try
        {
            return (config, path, OptionsJson.Parse<PredictionType>(stored, $"denoiser.unet2d: checkpoint '{path}' metadata '{PredictionKey}'"));
        }
        catch (ArgumentException ex)
        {
            throw new InvalidDataException(ex.Message, ex);
        }
    }
}
