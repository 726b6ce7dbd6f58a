using System.Text.Json.Nodes;
using Diffusion.Contracts;
using Diffusion.Torch;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Nn;

/// <summary>
/// Loads a network from a model folder as diffusers and transformers save them: <c>config.json</c> plus safetensors
/// weights (<c>diffusion_pytorch_model.safetensors</c> or <c>model.safetensors</c>, or their <c>.fp16</c> variants;
/// float16/bfloat16 weights load into float32 modules). The kind of network is recognised from the config:
/// <c>_class_name</c> (diffusers), <c>architectures</c> / <c>model_type</c> (transformers), or, for configs written
/// without them, the fields that only that architecture has. Weights load strictly by name: every missing,
/// unexpected or mis-shaped tensor is reported with the file, the key and both shapes.
/// </summary>
public static class ModelFolder
{
    /// <summary>The config file name.</summary>
    public const string ConfigFileName = "config.json";

    /// <summary>The diffusers pipeline index that marks a folder of components.</summary>
    public const string PipelineIndexFileName = "model_index.json";

    private const string TextModelPrefix = "text_model.";
    private const string PositionIdsKey = "embeddings.position_ids";

    private static readonly string[] WeightFileNames =
    [
        "diffusion_pytorch_model.safetensors",
        "model.safetensors",
        "diffusion_pytorch_model.fp16.safetensors",
        "model.fp16.safetensors",
    ];

    /// <summary>
    /// The folder of <paramref name="component"/> (e.g. <c>unet</c>): <paramref name="folder"/> itself when it holds a
    /// config.json, else its <paramref name="component"/> subfolder when <paramref name="folder"/> is a diffusers
    /// pipeline folder (model_index.json).
    /// </summary>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="FileNotFoundException">Neither a model folder nor a pipeline folder with that component.</exception>
    public static string Component(string folder, string component)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        ArgumentException.ThrowIfNullOrEmpty(component);
        if (!Directory.Exists(folder))
        {
            throw new DirectoryNotFoundException($"Model folder '{folder}' does not exist.");
        }

        if (File.Exists(Path.Combine(folder, ConfigFileName)))
        {
            return folder;
        }

        var sub = Path.Combine(folder, component);
        if (File.Exists(Path.Combine(folder, PipelineIndexFileName)))
        {
            if (File.Exists(Path.Combine(sub, ConfigFileName)))
            {
                return sub;
            }

            throw new FileNotFoundException(
                $"'{folder}' is a diffusers pipeline folder ({PipelineIndexFileName}) but has no '{component}/{ConfigFileName}'; the {component} part is missing.",
                Path.Combine(sub, ConfigFileName));
        }

        throw new FileNotFoundException(
            $"'{folder}' holds no {ConfigFileName} (a model folder) and no {PipelineIndexFileName} (a diffusers pipeline folder with a '{component}' subfolder).",
            Path.Combine(folder, ConfigFileName));
    }

    /// <summary>Which network <paramref name="folder"/>'s config.json describes.</summary>
    /// <exception cref="FileNotFoundException">No config.json.</exception>
    /// <exception cref="InvalidDataException">The config is unreadable or describes a network this build cannot load (the message names the field).</exception>
    public static ModelFolderKind Recognise(string folder)
    {
        var path = ConfigPath(folder);
        var config = ConfigReader.ReadObject(path, "model");
        if (config["_class_name"] is JsonNode className)
        {
            return className.ToString() switch
            {
                UNet2DConditionConfig.ClassName => ModelFolderKind.UNet2DConditionModel,
                AutoencoderKLConfig.ClassName => ModelFolderKind.AutoencoderKL,
                UNet2DConfig.ClassName => ModelFolderKind.UNet2DModel,
                var other => throw new InvalidDataException(
                    $"Model config '{path}': field '_class_name' is '{other}', which this build cannot load " +
                    $"(supported: {UNet2DConditionConfig.ClassName}, {AutoencoderKLConfig.ClassName}, {UNet2DConfig.ClassName}, transformers' {ClipTextConfig.ArchitectureName})."),
            };
        }

        if (config["architectures"] is JsonArray { Count: > 0 } architectures)
        {
            return ClipTextConfig.Describes(config)
                ? ModelFolderKind.ClipTextModel
                : throw new InvalidDataException(
                    $"Model config '{path}': field 'architectures' is {architectures.ToJsonString()}, which this build cannot load (supported: {ClipTextConfig.ArchitectureName}).");
        }

        if (config["model_type"] is JsonNode modelType)
        {
            return ClipTextConfig.Describes(config)
                ? ModelFolderKind.ClipTextModel
                : throw new InvalidDataException(
                    $"Model config '{path}': field 'model_type' is '{modelType}', which this build cannot load (supported: {ClipTextConfig.ModelType}).");
        }

        // Configs written without a class name: recognise the architecture by the fields only it has.
        if (AutoencoderKLConfig.Describes(config))
        {
            return ModelFolderKind.AutoencoderKL;
        }

        if (UNet2DConditionConfig.Describes(config))
        {
            return ModelFolderKind.UNet2DConditionModel;
        }

        if (UNet2DConfig.Describes(config))
        {
            return ModelFolderKind.UNet2DModel;
        }

        throw new InvalidDataException(
            $"Model config '{path}' has no '_class_name' (diffusers) or 'architectures'/'model_type' (transformers) field, and its fields match no supported network. " +
            "Add the class name the library wrote it for.");
    }

    /// <summary>The weights file of <paramref name="folder"/> (full precision preferred over the .fp16 variant).</summary>
    /// <exception cref="FileNotFoundException">No safetensors weights (the message says what was found instead).</exception>
    public static string WeightsPath(string folder)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        foreach (var name in WeightFileNames)
        {
            var candidate = Path.Combine(folder, name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        var present = Directory.Exists(folder) ? Directory.GetFiles(folder).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray() : [];
        string hint = present.Any(f => f!.EndsWith(".bin", StringComparison.Ordinal) || f.EndsWith(".ckpt", StringComparison.Ordinal))
            ? " Only safetensors weights are read (pickled .bin/.ckpt files can run code); convert them with safetensors' conversion script."
            : present.Any(f => f!.EndsWith(".safetensors.index.json", StringComparison.Ordinal))
                ? " Sharded checkpoints are not supported; merge the shards into one file."
                : "";
        throw new FileNotFoundException(
            $"Model folder '{folder}' has no weights: expected one of {string.Join(", ", WeightFileNames)}; found [{string.Join(", ", present)}].{hint}",
            Path.Combine(folder, WeightFileNames[0]));
    }

    /// <summary>Loads whatever network <paramref name="folder"/> holds, in eval mode on the CPU.</summary>
    public static nn.Module Load(string folder, IAttentionBackend? attentionBackend = null) => Recognise(folder) switch
    {
        ModelFolderKind.UNet2DConditionModel => LoadUNet2DCondition(folder, attentionBackend),
        ModelFolderKind.AutoencoderKL => LoadAutoencoderKL(folder, attentionBackend),
        ModelFolderKind.ClipTextModel => LoadClipText(folder, attentionBackend),
        ModelFolderKind.UNet2DModel => LoadUNet2D(folder, attentionBackend),
        var kind => throw new InvalidOperationException($"No loader for {kind}."),
    };

    /// <summary>Loads a <see cref="UNet2DConditionModel"/> folder, in eval mode on the CPU.</summary>
    public static UNet2DConditionModel LoadUNet2DCondition(string folder, IAttentionBackend? attentionBackend = null)
    {
        Expect(folder, ModelFolderKind.UNet2DConditionModel);
        var config = UNet2DConditionConfig.Load(ConfigPath(folder));
        return LoadWeights(new UNet2DConditionModel(config, attentionBackend), folder, rename: null);
    }

    /// <summary>Loads an <see cref="AutoencoderKL"/> folder, in eval mode on the CPU.</summary>
    public static AutoencoderKL LoadAutoencoderKL(string folder, IAttentionBackend? attentionBackend = null)
    {
        Expect(folder, ModelFolderKind.AutoencoderKL);
        var config = AutoencoderKLConfig.Load(ConfigPath(folder));
        return LoadWeights(new AutoencoderKL(config, attentionBackend), folder, rename: null);
    }

    /// <summary>Loads a <see cref="UNet2DModel"/> folder, in eval mode on the CPU.</summary>
    public static UNet2DModel LoadUNet2D(string folder, IAttentionBackend? attentionBackend = null)
    {
        Expect(folder, ModelFolderKind.UNet2DModel);
        var config = UNet2DConfig.Load(ConfigPath(folder));
        return LoadWeights(new UNet2DModel(config, attentionBackend), folder, rename: null);
    }

    /// <summary>
    /// Loads a <see cref="ClipTextModel"/> folder, in eval mode on the CPU. Keys prefixed with <c>text_model.</c>
    /// (transformers 4.x checkpoints, e.g. Stable Diffusion's text_encoder) are read without the prefix, and the
    /// <c>embeddings.position_ids</c> buffer some of them carry (always 0..n−1) is skipped.
    /// </summary>
    public static ClipTextModel LoadClipText(string folder, IAttentionBackend? attentionBackend = null)
    {
        Expect(folder, ModelFolderKind.ClipTextModel);
        var config = ClipTextConfig.Load(ConfigPath(folder));
        return LoadWeights(new ClipTextModel(config, attentionBackend), folder, NormaliseClipKeys);
    }

    /// <summary>The transformers 4.x → 5.x key mapping of CLIP text checkpoints (see <see cref="LoadClipText"/>); null drops a key.</summary>
    public static string? NormaliseClipKeys(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var name = key.StartsWith(TextModelPrefix, StringComparison.Ordinal) ? key[TextModelPrefix.Length..] : key;
        return name == PositionIdsKey ? null : name;
    }

    /// <summary>Throws when the folder holds another network than the caller loads (before any field-level error).</summary>
    private static void Expect(string folder, ModelFolderKind expected)
    {
        var found = Recognise(folder);
        if (found != expected)
        {
            throw new InvalidDataException(
                $"Model config '{ConfigPath(folder)}' describes {found}, not {expected}; point this at the {expected} folder.");
        }
    }

    private static string ConfigPath(string folder)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        if (!Directory.Exists(folder))
        {
            throw new DirectoryNotFoundException($"Model folder '{folder}' does not exist.");
        }

        var path = Path.Combine(folder, ConfigFileName);
        return File.Exists(path)
            ? path
            : throw new FileNotFoundException(
                $"Model folder '{folder}' has no {ConfigFileName}. A model folder holds config.json and safetensors weights; " +
                $"for a diffusers pipeline folder ({PipelineIndexFileName}) point at its unet/, vae/ or text_encoder/ subfolder.", path);
    }

    private static TModule LoadWeights<TModule>(TModule module, string folder, Func<string, string?>? rename)
        where TModule : nn.Module
    {
        var path = WeightsPath(folder);
        try
        {
            if (rename is null)
            {
                StateDictLoader.Load(module, path);
            }
            else
            {
                LoadRenamed(module, path, rename);
            }
        }
        catch
        {
            module.Dispose();
            throw;
        }

        module.eval();
        return module;
    }

    private static void LoadRenamed(nn.Module module, string path, Func<string, string?> rename)
    {
        IReadOnlyDictionary<string, Tensor> tensors;
        try
        {
            tensors = SafeTensors.Load(path);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"Cannot load weights from '{path}': {e.Message} The file may be truncated or not a safetensors file; download or save it again.", e);
        }

        try
        {
            var renamed = new Dictionary<string, Tensor>(StringComparer.Ordinal);
            foreach (var (key, tensor) in tensors)
            {
                if (rename(key) is string name && !renamed.TryAdd(name, tensor))
                {
                    throw new InvalidDataException($"Weights in '{path}' hold '{name}' twice (with and without the '{TextModelPrefix}' prefix).");
                }
            }

            StateDictLoader.Load(module, renamed, path);
        }
        finally
        {
            foreach (var tensor in tensors.Values)
            {
                tensor.Dispose();
            }
        }
    }
}
