using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Diffusion.Nn;

/// <summary>
/// The settings of a <see cref="UNet2DModel"/>, field for field diffusers' <c>UNet2DModel</c> <c>config.json</c>
/// (snake_case, defaults as in diffusers). Keys starting with <c>_</c> (<c>_class_name</c>, <c>_diffusers_version</c>,
/// <c>_use_default_values</c>) are metadata and ignored; any other unknown key is an error, since it might change
/// the network.
/// </summary>
public sealed record UNet2DConfig
{
    private static readonly JsonSerializerOptions JsonOptions = CreateJsonOptions();

    /// <summary>The diffusers class this config describes.</summary>
    public const string ClassName = "UNet2DModel";

    /// <summary>Height and width of the samples (diffusers allows [h, w]; only square sizes are kept).</summary>
    public int? SampleSize { get; init; }

    /// <summary>Channels of the input sample.</summary>
    public int InChannels { get; init; } = 3;

    /// <summary>Channels of the output.</summary>
    public int OutChannels { get; init; } = 3;

    /// <summary>Map the input from [0, 1] to [-1, 1] first (2x − 1).</summary>
    public bool CenterInputSample { get; init; }

    /// <summary>Only <c>positional</c> (sinusoidal) is supported.</summary>
    public string TimeEmbeddingType { get; init; } = "positional";

    /// <summary>Width of the time embedding; null means 4 × block_out_channels[0].</summary>
    public int? TimeEmbeddingDim { get; init; }

    /// <summary>The sinusoid's <c>downscale_freq_shift</c>.</summary>
    public double FreqShift { get; init; }

    /// <summary>Cosines before sines.</summary>
    public bool FlipSinToCos { get; init; } = true;

    /// <summary>Encoder stages: <c>DownBlock2D</c> or <c>AttnDownBlock2D</c>.</summary>
    public IReadOnlyList<string> DownBlockTypes { get; init; } = ["DownBlock2D", "AttnDownBlock2D", "AttnDownBlock2D", "AttnDownBlock2D"];

    /// <summary><c>UNetMidBlock2D</c>, or null for none.</summary>
    public string? MidBlockType { get; init; } = "UNetMidBlock2D";

    /// <summary>Decoder stages: <c>UpBlock2D</c> or <c>AttnUpBlock2D</c>.</summary>
    public IReadOnlyList<string> UpBlockTypes { get; init; } = ["AttnUpBlock2D", "AttnUpBlock2D", "AttnUpBlock2D", "UpBlock2D"];

    /// <summary>Output channels of each encoder stage.</summary>
    public IReadOnlyList<int> BlockOutChannels { get; init; } = [224, 448, 672, 896];

    /// <summary>ResNet layers per encoder stage (decoder stages have one more).</summary>
    public int LayersPerBlock { get; init; } = 2;

    /// <summary>The mid block's output scale.</summary>
    public double MidBlockScaleFactor { get; init; } = 1;

    /// <summary>Padding of the downsampling convolutions.</summary>
    public int DownsamplePadding { get; init; } = 1;

    /// <summary>Only <c>conv</c> is supported.</summary>
    public string DownsampleType { get; init; } = "conv";

    /// <summary>Only <c>conv</c> is supported.</summary>
    public string UpsampleType { get; init; } = "conv";

    /// <summary>Dropout in ResNet blocks.</summary>
    public double Dropout { get; init; }

    /// <summary>Only <c>silu</c> (alias <c>swish</c>) is supported.</summary>
    public string ActFn { get; init; } = "silu";

    /// <summary>Width of one attention head; null means one head per block.</summary>
    public int? AttentionHeadDim { get; init; } = 8;

    /// <summary>GroupNorm groups.</summary>
    public int? NormNumGroups { get; init; } = 32;

    /// <summary>GroupNorm groups of the mid-block attention; null means norm_num_groups (default time conditioning) or no norm.</summary>
    public int? AttnNormNumGroups { get; init; }

    /// <summary>GroupNorm epsilon.</summary>
    public double NormEps { get; init; } = 1e-5;

    /// <summary><c>default</c> or <c>scale_shift</c>.</summary>
    public string ResnetTimeScaleShift { get; init; } = "default";

    /// <summary>Whether the mid block has attention.</summary>
    public bool AddAttention { get; init; } = true;

    /// <summary>Only null (a learned embedding table when num_class_embeds is set) is supported.</summary>
    public string? ClassEmbedType { get; init; }

    /// <summary>Size of the class embedding table, or null for an unconditional model.</summary>
    public int? NumClassEmbeds { get; init; }

    /// <summary>Only used by learned time embeddings; kept so configs round-trip.</summary>
    public int? NumTrainTimesteps { get; init; }

    /// <summary>The time embedding width actually used.</summary>
    [JsonIgnore]
    public int TimeEmbedDim => TimeEmbeddingDim ?? BlockOutChannels[0] * 4;

    /// <summary>The time conditioning of the ResNet blocks.</summary>
    [JsonIgnore]
    public ResnetTimeConditioning TimeConditioning =>
        ResnetTimeScaleShift == "scale_shift" ? ResnetTimeConditioning.ScaleShift : ResnetTimeConditioning.Default;

    /// <summary>The largest config.json read (1 MiB; diffusers' configs are about 1 KB).</summary>
    public const long MaxConfigBytes = 1 << 20;

    /// <summary>Reads a diffusers <c>config.json</c> (a regular file of at most <see cref="MaxConfigBytes"/>).</summary>
    /// <exception cref="InvalidDataException">The file is not a UNet2DModel config or holds unsupported values.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    public static UNet2DConfig Load(string path)
    {
        string text;
        try
        {
            text = Diffusion.Torch.Files.SafeFile.ReadAllText(path, MaxConfigBytes, "UNet2D config");
        }
        catch (Diffusion.Torch.Files.FileRefusedException e)
        {
            throw new InvalidDataException(e.Message, e);
        }
        catch (Exception e) when (e is IOException and not FileNotFoundException)
        {
            throw new InvalidDataException($"Cannot read UNet2D config '{path}': {e.Message}", e);
        }

        return Parse(text, path);
    }

    /// <summary>Parses config JSON; <paramref name="source"/> names it in errors.</summary>
    /// <exception cref="InvalidDataException">Not a UNet2DModel config, or unsupported values.</exception>
    public static UNet2DConfig Parse(string json, string source)
    {
        JsonObject root;
        try
        {
            root = JsonNode.Parse(json) as JsonObject
                ?? throw new InvalidDataException($"UNet2D config {source}: expected a JSON object.");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"UNet2D config {source} is not valid JSON: {e.Message}", e);
        }

        if (root["_class_name"] is { } classNode && (classNode is not JsonValue classValue || !classValue.TryGetValue<string>(out var className) || className != ClassName))
        {
            throw new InvalidDataException($"UNet2D config {source}: _class_name is {classNode.ToJsonString()}, expected \"{ClassName}\".");
        }

        foreach (var key in root.Select(kv => kv.Key).Where(k => k.StartsWith('_')).ToList())
        {
            root.Remove(key);
        }

        if (root["sample_size"] is JsonArray size)
        {
            if (size.Count != 2 || size[0] is not JsonValue height || size[1] is not JsonValue width
                || !height.TryGetValue<int>(out var h) || !width.TryGetValue<int>(out var w) || h != w)
            {
                throw new InvalidDataException($"UNet2D config {source}: field 'sample_size' = {size.ToJsonString()} is not supported: only square sizes (one whole number, or [n, n]).");
            }

            root["sample_size"] = h;
        }

        UNet2DConfig config;
        try
        {
            config = root.Deserialize<UNet2DConfig>(JsonOptions)
                ?? throw new InvalidDataException($"UNet2D config {source}: empty.");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"UNet2D config {source}: {Diffusion.Torch.Files.JsonErrors.Describe(e)}", e);
        }

        config.Validate(source);
        return config;
    }

    /// <summary>Whether a parsed config object describes a UNet2DModel: by <c>_class_name</c> when present, else by its keys.</summary>
    public static bool Describes(JsonObject config)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (config["_class_name"] is JsonNode name)
        {
            return name is JsonValue value && value.TryGetValue<string>(out var text) && text == ClassName;
        }

        // UNet2DConditionModel has cross_attention_dim and CrossAttn blocks; AutoencoderKL and CLIP lack down_block_types / layers_per_block.
        return config.ContainsKey("down_block_types")
            && config.ContainsKey("up_block_types")
            && !config.ContainsKey("cross_attention_dim")
            && !config.ContainsKey("latent_channels")
            && config["down_block_types"] is JsonArray blocks
            && blocks.All(b => b is JsonValue v && v.TryGetValue<string>(out var type) && !type.Contains("CrossAttn", StringComparison.Ordinal));
    }

    /// <summary>This config as diffusers-style JSON (with <c>_class_name</c>).</summary>
    public string ToJson()
    {
        var node = JsonSerializer.SerializeToNode(this, JsonOptions)!.AsObject();
        var result = new JsonObject { ["_class_name"] = ClassName };
        foreach (var (key, value) in node.ToList())
        {
            node.Remove(key);
            result[key] = value;
        }

        return result.ToJsonString();
    }

    /// <summary>Checks every value this implementation supports; the message names the field.</summary>
    /// <exception cref="InvalidDataException">A value is unsupported or inconsistent.</exception>
    public void Validate(string source)
    {
        var problems = Problems();
        if (problems.Count > 0)
        {
            throw new InvalidDataException($"UNet2D config {source}: {string.Join("; ", problems.Select(p => p.Message))}.");
        }
    }

    /// <summary>Every unsupported or inconsistent value, by field (snake_case, as in config.json), for pointing at params.</summary>
    public IReadOnlyList<(string Field, string Message)> Problems()
    {
        var problems = new List<(string Field, string Message)>();
        void Require(bool ok, string field, object? value, string expected)
        {
            if (!ok)
            {
                problems.Add((field, $"field '{field}' = {JsonSerializer.Serialize(value)} is not supported ({expected})"));
            }
        }

        Require(TimeEmbeddingType == "positional", "time_embedding_type", TimeEmbeddingType, "supported: positional");
        Require(ActFn is "silu" or "swish", "act_fn", ActFn, "supported: silu");
        Require(DownsampleType == "conv", "downsample_type", DownsampleType, "supported: conv");
        Require(UpsampleType == "conv", "upsample_type", UpsampleType, "supported: conv");
        Require(ResnetTimeScaleShift is "default" or "scale_shift", "resnet_time_scale_shift", ResnetTimeScaleShift, "supported: default, scale_shift");
        Require(ClassEmbedType is null, "class_embed_type", ClassEmbedType, "supported: null, with num_class_embeds for a label table");
        Require(MidBlockType is null or "UNetMidBlock2D", "mid_block_type", MidBlockType, "supported: UNetMidBlock2D, null");
        Require(NumClassEmbeds is null or > 0, "num_class_embeds", NumClassEmbeds, "must be positive");
        Require(InChannels > 0, "in_channels", InChannels, "must be positive");
        Require(OutChannels > 0, "out_channels", OutChannels, "must be positive");
        Require(LayersPerBlock > 0, "layers_per_block", LayersPerBlock, "must be positive");
        Require(BlockOutChannels.Count > 0 && BlockOutChannels.All(c => c > 0), "block_out_channels", BlockOutChannels, "positive channel counts");
        Require(NormNumGroups is > 0, "norm_num_groups", NormNumGroups, "must be a positive number");
        Require(AttentionHeadDim is null or > 0, "attention_head_dim", AttentionHeadDim, "must be positive");
        Require(DownBlockTypes.All(t => t is "DownBlock2D" or "AttnDownBlock2D"), "down_block_types", DownBlockTypes, "supported: DownBlock2D, AttnDownBlock2D");
        Require(UpBlockTypes.All(t => t is "UpBlock2D" or "AttnUpBlock2D"), "up_block_types", UpBlockTypes, "supported: UpBlock2D, AttnUpBlock2D");
        Require(DownBlockTypes.Count == BlockOutChannels.Count, "down_block_types", DownBlockTypes, $"needs one entry per block_out_channels ({BlockOutChannels.Count})");
        Require(UpBlockTypes.Count == BlockOutChannels.Count, "up_block_types", UpBlockTypes, $"needs one entry per block_out_channels ({BlockOutChannels.Count})");
        if (problems.Count == 0)
        {
            RequireShapesFit(Require);
        }

        return problems;
    }

    /// <summary>
    /// Checks that the blocks fit together, which libtorch would otherwise find mid-forward with a C++ shape error:
    /// every downsampling halves the side, so the side must divide by 2^(stages − 1) for the decoder's skip connections
    /// to line up; GroupNorm needs its groups to divide every stage's channels; attention needs the head width to
    /// divide the channels of every stage that has attention.
    /// </summary>
    private void RequireShapesFit(Action<bool, string, object?, string> require)
    {
        var stages = BlockOutChannels.Count;
        if (SampleSize is { } side)
        {
            var factor = stages > 31 ? long.MaxValue : 1L << (stages - 1);
            require(side > 0 && side % factor == 0, "sample_size", side, $"must be a positive multiple of {factor} = 2^(stages - 1) for {stages} stages, or the decoder's skip connections do not line up");
        }

        var groups = NormNumGroups!.Value;
        var badGroups = BlockOutChannels.Where(c => c % groups != 0).ToList();
        require(badGroups.Count == 0, "norm_num_groups", groups, $"must divide every entry of block_out_channels (not {string.Join(", ", badGroups)})");

        var attended = new List<int>();
        for (var i = 0; i < stages; i++)
        {
            if (DownBlockTypes[i] == "AttnDownBlock2D")
            {
                attended.Add(BlockOutChannels[i]);
            }

            if (UpBlockTypes[i] == "AttnUpBlock2D")
            {
                attended.Add(BlockOutChannels[stages - 1 - i]);
            }
        }

        if (MidBlockType is not null && AddAttention)
        {
            attended.Add(BlockOutChannels[^1]);
            if (AttnNormNumGroups is { } attentionGroups)
            {
                require(attentionGroups > 0 && BlockOutChannels[^1] % attentionGroups == 0, "attn_norm_num_groups", attentionGroups, $"must be positive and divide the mid block's {BlockOutChannels[^1]} channels");
            }
        }

        if (AttentionHeadDim is { } headDim)
        {
            var badHeads = attended.Distinct().Where(c => c % headDim != 0).ToList();
            require(badHeads.Count == 0, "attention_head_dim", headDim, $"must divide the channels of every stage with attention (not {string.Join(", ", badHeads)})");
        }
    }

    private static JsonSerializerOptions CreateJsonOptions()
    {
        var options = new JsonSerializerOptions
        {
            PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
            UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
            NumberHandling = JsonNumberHandling.AllowReadingFromString,

            // "block_out_channels": null must be an error here, not a null list that fails later.
            RespectNullableAnnotations = true,
        };
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
