using System.Text.Json.Nodes;

namespace Diffusion.Nn;

/// <summary>
/// The settings of an <see cref="AutoencoderKL"/>, read from diffusers' <c>AutoencoderKL</c> <c>config.json</c>
/// (defaults as in diffusers). Unknown fields and unsupported values are errors naming the file and the field.
/// </summary>
public sealed record AutoencoderKLConfig
{
    /// <summary>The diffusers class this config describes.</summary>
    public const string ClassName = "AutoencoderKL";

    /// <summary>Image channels in.</summary>
    public int InChannels { get; init; } = 3;

    /// <summary>Image channels out.</summary>
    public int OutChannels { get; init; } = 3;

    /// <summary>Encoder stages (only <c>DownEncoderBlock2D</c>).</summary>
    public IReadOnlyList<string> DownBlockTypes { get; init; } = ["DownEncoderBlock2D"];

    /// <summary>Decoder stages (only <c>UpDecoderBlock2D</c>).</summary>
    public IReadOnlyList<string> UpBlockTypes { get; init; } = ["UpDecoderBlock2D"];

    /// <summary>Channels of each encoder stage (the decoder mirrors them).</summary>
    public IReadOnlyList<int> BlockOutChannels { get; init; } = [64];

    /// <summary>ResNet layers per encoder stage (decoder stages have one more).</summary>
    public int LayersPerBlock { get; init; } = 1;

    /// <summary>Channels of the latent space.</summary>
    public int LatentChannels { get; init; } = 4;

    /// <summary>GroupNorm groups.</summary>
    public int NormNumGroups { get; init; } = 32;

    /// <summary>Image size the model was trained at.</summary>
    public int? SampleSize { get; init; } = 32;

    /// <summary>Latents are multiplied by this after encoding (SD 1.x/2.x: 0.18215), so they have about unit variance.</summary>
    public double ScalingFactor { get; init; } = 0.18215;

    /// <summary>Subtracted from latents before scaling (SD3/Flux-style autoencoders), or null.</summary>
    public double? ShiftFactor { get; init; }

    /// <summary>Whether decoding should run in float32 when the pipeline runs in float16 (SD 1.x/2.x VAEs overflow in fp16).</summary>
    public bool ForceUpcast { get; init; } = true;

    /// <summary>Whether the 1x1 <c>quant_conv</c> follows the encoder.</summary>
    public bool UseQuantConv { get; init; } = true;

    /// <summary>Whether the 1x1 <c>post_quant_conv</c> precedes the decoder.</summary>
    public bool UsePostQuantConv { get; init; } = true;

    /// <summary>Whether the mid blocks have self-attention.</summary>
    public bool MidBlockAddAttention { get; init; } = true;

    /// <summary>How many times the encoder halves the resolution.</summary>
    public int Downsamplings => BlockOutChannels.Count - 1;

    /// <summary>Reads a diffusers <c>config.json</c>.</summary>
    /// <exception cref="InvalidDataException">The file is unreadable, not an AutoencoderKL config, or holds unsupported values.</exception>
    public static AutoencoderKLConfig Load(string path) => FromJson(ConfigReader.ReadObject(path, ClassName), path);

    /// <summary>Parses config JSON; <paramref name="source"/> names it in errors.</summary>
    /// <exception cref="InvalidDataException">Not an AutoencoderKL config, or unsupported values.</exception>
    public static AutoencoderKLConfig Parse(string json, string source) => FromJson(ConfigReader.ParseObject(json, ClassName, source), source);

    /// <summary>Whether a parsed config describes an AutoencoderKL: by <c>_class_name</c> when present, else by its keys.</summary>
    public static bool Describes(JsonObject config)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (config["_class_name"] is JsonValue name && name.TryGetValue(out string? className))
        {
            return className == ClassName;
        }

        return config.ContainsKey("latent_channels") && config.ContainsKey("down_block_types") && config.ContainsKey("up_block_types");
    }

    /// <summary>Builds the config from a parsed object; <paramref name="source"/> names it in errors.</summary>
    /// <exception cref="InvalidDataException">Not an AutoencoderKL config, or unsupported values (all listed).</exception>
    public static AutoencoderKLConfig FromJson(JsonObject root, string source)
    {
        ArgumentNullException.ThrowIfNull(root);
        if (root["_class_name"] is JsonNode classNode && classNode.ToString() != ClassName)
        {
            throw new InvalidDataException(
                $"{ClassName} config '{source}': field '_class_name' is '{classNode}', expected '{ClassName}'. Point the node at the autoencoder's folder (vae/).");
        }

        var r = new ConfigReader(root, ClassName, source);
        var defaults = new AutoencoderKLConfig();
        var config = new AutoencoderKLConfig
        {
            InChannels = r.Int("in_channels", 3),
            OutChannels = r.Int("out_channels", 3),
            DownBlockTypes = r.StringList("down_block_types", defaults.DownBlockTypes),
            UpBlockTypes = r.StringList("up_block_types", defaults.UpBlockTypes),
            BlockOutChannels = r.IntList("block_out_channels", defaults.BlockOutChannels),
            LayersPerBlock = r.Int("layers_per_block", 1),
            LatentChannels = r.Int("latent_channels", 4),
            NormNumGroups = r.Int("norm_num_groups", 32),
            SampleSize = r.Raw("sample_size") is JsonArray ? r.IntList("sample_size", []).FirstOrDefault() : r.NullableInt("sample_size", 32),
            ScalingFactor = r.Double("scaling_factor", 0.18215),
            ShiftFactor = r.NullableDouble("shift_factor", null),
            ForceUpcast = r.Bool("force_upcast", true),
            UseQuantConv = r.Bool("use_quant_conv", true),
            UsePostQuantConv = r.Bool("use_post_quant_conv", true),
            MidBlockAddAttention = r.Bool("mid_block_add_attention", true),
        };

        var act = r.String("act_fn", "silu");
        r.Require(act is "silu" or "swish", "act_fn", "supported: silu");

        // Per-channel latent statistics change how pipelines normalise latents; nothing here applies them yet.
        r.Require(r.Raw("latents_mean") is null, "latents_mean", "only null: per-channel latent normalisation is not implemented");
        r.Require(r.Raw("latents_std") is null, "latents_std", "only null: per-channel latent normalisation is not implemented");
        r.RejectUnknownFields();
        config.Check(r);
        r.ThrowIfProblems();
        return config;
    }

    /// <summary>Checks every value this implementation supports; the message names the field.</summary>
    /// <exception cref="InvalidDataException">A value is unsupported or inconsistent.</exception>
    public void Validate(string source)
    {
        var r = new ConfigReader(new JsonObject(), ClassName, source);
        Check(r);
        r.ThrowIfProblems();
    }

    private void Check(ConfigReader r)
    {
        int blocks = BlockOutChannels.Count;
        void Require(bool ok, string field, object? value, string expected)
        {
            if (!ok)
            {
                r.Problem(field, $"= {System.Text.Json.JsonSerializer.Serialize(value)} is not supported ({expected})");
            }
        }

        Require(blocks > 0 && BlockOutChannels.All(c => c > 0), "block_out_channels", BlockOutChannels, "positive channel counts");
        Require(DownBlockTypes.All(t => t == "DownEncoderBlock2D"), "down_block_types", DownBlockTypes, "supported: DownEncoderBlock2D");
        Require(UpBlockTypes.All(t => t == "UpDecoderBlock2D"), "up_block_types", UpBlockTypes, "supported: UpDecoderBlock2D");
        Require(DownBlockTypes.Count == blocks, "down_block_types", DownBlockTypes, $"needs one entry per block_out_channels ({blocks})");
        Require(UpBlockTypes.Count == blocks, "up_block_types", UpBlockTypes, $"needs one entry per block_out_channels ({blocks})");
        Require(InChannels > 0, "in_channels", InChannels, "must be positive");
        Require(OutChannels > 0, "out_channels", OutChannels, "must be positive");
        Require(LatentChannels > 0, "latent_channels", LatentChannels, "must be positive");
        Require(LayersPerBlock > 0, "layers_per_block", LayersPerBlock, "must be positive");
        Require(NormNumGroups > 0 && BlockOutChannels.All(c => c % NormNumGroups == 0), "norm_num_groups", NormNumGroups, "must divide every block_out_channels entry");
        Require(ScalingFactor > 0, "scaling_factor", ScalingFactor, "must be positive");
    }
}
