using System.Text.Json.Nodes;

namespace Diffusion.Nn;

/// <summary>
/// The settings of a <see cref="UNet2DConditionModel"/>, read from diffusers' <c>UNet2DConditionModel</c>
/// <c>config.json</c> (defaults as in diffusers). diffusers' per-block fields may be an integer or a list; here they are
/// always one entry per down block (<see cref="AttentionHeadDim"/>, <see cref="CrossAttentionDim"/>,
/// <see cref="LayersPerBlock"/>, <see cref="TransformerLayersPerBlock"/>). Note diffusers' naming: in this class
/// <c>attention_head_dim</c> is the number of heads (8 in SD 1.x; [5, 10, 20, 20] in SD 2.x), and each head is
/// channels / heads wide. Fields the implementation does not support (SDXL's added embeddings, LCM's time
/// conditioning, other block types) are errors naming the file and the field; unknown fields are errors too.
/// </summary>
public sealed record UNet2DConditionConfig
{
    /// <summary>The diffusers class this config describes.</summary>
    public const string ClassName = "UNet2DConditionModel";

    /// <summary>Latent height and width the model was trained at (null when unknown).</summary>
    public IReadOnlyList<int>? SampleSize { get; init; }

    /// <summary>Channels of the input latents.</summary>
    public int InChannels { get; init; } = 4;

    /// <summary>Channels of the output.</summary>
    public int OutChannels { get; init; } = 4;

    /// <summary>Map the input from [0, 1] to [-1, 1] first (2x − 1).</summary>
    public bool CenterInputSample { get; init; }

    /// <summary>Cosines before sines in the timestep features.</summary>
    public bool FlipSinToCos { get; init; } = true;

    /// <summary>The sinusoid's <c>downscale_freq_shift</c>.</summary>
    public double FreqShift { get; init; }

    /// <summary>Encoder stages: <c>CrossAttnDownBlock2D</c> or <c>DownBlock2D</c>.</summary>
    public IReadOnlyList<string> DownBlockTypes { get; init; } = ["CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "DownBlock2D"];

    /// <summary><c>UNetMidBlock2DCrossAttn</c>, or null for none.</summary>
    public string? MidBlockType { get; init; } = "UNetMidBlock2DCrossAttn";

    /// <summary>Decoder stages: <c>UpBlock2D</c> or <c>CrossAttnUpBlock2D</c>.</summary>
    public IReadOnlyList<string> UpBlockTypes { get; init; } = ["UpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D"];

    /// <summary>Output channels of each encoder stage.</summary>
    public IReadOnlyList<int> BlockOutChannels { get; init; } = [320, 640, 1280, 1280];

    /// <summary>ResNet layers per encoder stage (decoder stages have one more).</summary>
    public IReadOnlyList<int> LayersPerBlock { get; init; } = [2, 2, 2, 2];

    /// <summary>Padding of the downsampling convolutions.</summary>
    public int DownsamplePadding { get; init; } = 1;

    /// <summary>The mid block's output scale.</summary>
    public double MidBlockScaleFactor { get; init; } = 1;

    /// <summary>Dropout in ResNet blocks.</summary>
    public double Dropout { get; init; }

    /// <summary>GroupNorm groups.</summary>
    public int NormNumGroups { get; init; } = 32;

    /// <summary>GroupNorm epsilon of the ResNet blocks and the output norm.</summary>
    public double NormEps { get; init; } = 1e-5;

    /// <summary>Width of the text tokens each encoder stage attends to.</summary>
    public IReadOnlyList<int> CrossAttentionDim { get; init; } = [1280, 1280, 1280, 1280];

    /// <summary>Transformer blocks inside each cross-attention stage.</summary>
    public IReadOnlyList<int> TransformerLayersPerBlock { get; init; } = [1, 1, 1, 1];

    /// <summary>Attention heads of each encoder stage (diffusers' <c>attention_head_dim</c>, see the class remarks).</summary>
    public IReadOnlyList<int> AttentionHeadDim { get; init; } = [8, 8, 8, 8];

    /// <summary>Linear projections in and out of the transformers instead of 1x1 convolutions (SD 2.x).</summary>
    public bool UseLinearProjection { get; init; }

    /// <summary>Compute attention in float32 for half-precision inputs.</summary>
    public bool UpcastAttention { get; init; }

    /// <summary>Size of a class-label table added to the time embedding, or null.</summary>
    public int? NumClassEmbeds { get; init; }

    /// <summary><c>default</c> or <c>scale_shift</c>.</summary>
    public string ResnetTimeScaleShift { get; init; } = "default";

    /// <summary>Width of the time embedding; null means 4 × block_out_channels[0].</summary>
    public int? TimeEmbeddingDim { get; init; }

    /// <summary>Kernel size of conv_in (odd).</summary>
    public int ConvInKernel { get; init; } = 3;

    /// <summary>Kernel size of conv_out (odd).</summary>
    public int ConvOutKernel { get; init; } = 3;

    /// <summary>The time embedding width actually used.</summary>
    public int TimeEmbedDim => TimeEmbeddingDim ?? BlockOutChannels[0] * 4;

    /// <summary>The time conditioning of the ResNet blocks.</summary>
    public ResnetTimeConditioning TimeConditioning =>
        ResnetTimeScaleShift == "scale_shift" ? ResnetTimeConditioning.ScaleShift : ResnetTimeConditioning.Default;

    /// <summary>Reads a diffusers <c>config.json</c>.</summary>
    /// <exception cref="InvalidDataException">The file is unreadable, not a UNet2DConditionModel config, or holds unsupported values.</exception>
    public static UNet2DConditionConfig Load(string path) => FromJson(ConfigReader.ReadObject(path, ClassName), path);

    /// <summary>Parses config JSON; <paramref name="source"/> names it in errors.</summary>
    /// <exception cref="InvalidDataException">Not a UNet2DConditionModel config, or unsupported values.</exception>
    public static UNet2DConditionConfig Parse(string json, string source) => FromJson(ConfigReader.ParseObject(json, ClassName, source), source);

    /// <summary>Whether a parsed config describes a UNet2DConditionModel: by <c>_class_name</c> when present, else by its keys.</summary>
    public static bool Describes(JsonObject config)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (config["_class_name"] is JsonValue name && name.TryGetValue(out string? className))
        {
            return className == ClassName;
        }

        return config.ContainsKey("cross_attention_dim") && config.ContainsKey("down_block_types") && !config.ContainsKey("latent_channels");
    }

    /// <summary>Builds the config from a parsed object; <paramref name="source"/> names it in errors.</summary>
    /// <exception cref="InvalidDataException">Not a UNet2DConditionModel config, or unsupported values (all listed).</exception>
    public static UNet2DConditionConfig FromJson(JsonObject root, string source)
    {
        ArgumentNullException.ThrowIfNull(root);
        var r = new ConfigReader(root, ClassName, source);
        if (root["_class_name"] is JsonNode classNode && classNode.ToString() != ClassName)
        {
            throw new InvalidDataException(
                $"{ClassName} config '{source}': field '_class_name' is '{classNode}', expected '{ClassName}'. Point the node at the UNet's folder (unet/).");
        }

        var down = r.StringList("down_block_types", new UNet2DConditionConfig().DownBlockTypes);
        int blocks = down.Count;
        IReadOnlyList<int>? sampleSize = r.Raw("sample_size") switch
        {
            null => null,
            JsonArray pair when pair.Count == 2 => r.IntList("sample_size", []),
            _ => [r.Int("sample_size", 0), r.Int("sample_size", 0)],
        };

        var config = new UNet2DConditionConfig
        {
            SampleSize = sampleSize,
            InChannels = r.Int("in_channels", 4),
            OutChannels = r.Int("out_channels", 4),
            CenterInputSample = r.Bool("center_input_sample", false),
            FlipSinToCos = r.Bool("flip_sin_to_cos", true),
            FreqShift = r.Double("freq_shift", 0),
            DownBlockTypes = down,
            MidBlockType = r.NullableString("mid_block_type", "UNetMidBlock2DCrossAttn"),
            UpBlockTypes = r.StringList("up_block_types", new UNet2DConditionConfig().UpBlockTypes),
            BlockOutChannels = r.IntList("block_out_channels", new UNet2DConditionConfig().BlockOutChannels),
            LayersPerBlock = r.IntOrList("layers_per_block", 2, blocks, "down block"),
            DownsamplePadding = r.Int("downsample_padding", 1),
            MidBlockScaleFactor = r.Double("mid_block_scale_factor", 1),
            Dropout = r.Double("dropout", 0),
            NormNumGroups = r.NullableInt("norm_num_groups", 32) ?? 0,
            NormEps = r.Double("norm_eps", 1e-5),
            CrossAttentionDim = r.IntOrList("cross_attention_dim", 1280, blocks, "down block"),
            TransformerLayersPerBlock = r.IntOrList("transformer_layers_per_block", 1, blocks, "down block"),
            AttentionHeadDim = r.IntOrList("attention_head_dim", 8, blocks, "down block"),
            UseLinearProjection = r.Bool("use_linear_projection", false),
            UpcastAttention = r.Bool("upcast_attention", false),
            NumClassEmbeds = r.NullableInt("num_class_embeds", null),
            ResnetTimeScaleShift = r.String("resnet_time_scale_shift", "default"),
            TimeEmbeddingDim = r.NullableInt("time_embedding_dim", null),
            ConvInKernel = r.Int("conv_in_kernel", 3),
            ConvOutKernel = r.Int("conv_out_kernel", 3),
        };

        // Fields whose non-default values select features this implementation does not have.
        RequireDefault(r, "act_fn", "silu", "swish");
        RequireDefault(r, "time_embedding_type", "positional");
        RequireNull(r, "time_embedding_act_fn", "an activation after the time embedding");
        RequireNull(r, "timestep_post_act", "an activation inside the time embedding");
        RequireNull(r, "time_cond_proj_dim", "guidance-scale conditioning of the time embedding (LCM)");
        RequireNull(r, "class_embed_type", "class embeddings other than a label table (num_class_embeds)");
        RequireNull(r, "addition_embed_type", "added text/time embeddings (SDXL)");
        RequireNull(r, "encoder_hid_dim_type", "a projection of the encoder hidden states");
        RequireNull(r, "reverse_transformer_layers_per_block", "per-layer transformer depths");
        RequireNull(r, "num_attention_heads", "diffusers itself rejects num_attention_heads for this class; use attention_head_dim");
        RequireNull(r, "cross_attention_norm", "a norm on the cross-attention context");
        RequireNull(r, "mid_block_only_cross_attention", "cross-attention-only mid blocks", allowFalse: true);
        RequireFalse(r, "class_embeddings_concat");
        RequireFalse(r, "dual_cross_attention");
        RequireFalse(r, "resnet_skip_time_act");
        RequireFalse(r, "only_cross_attention", allowListOfFalse: true);
        RequireDefault(r, "attention_type", "default");

        // Only meaningful together with the rejected options above, or (resnet_out_scale_factor) for block types
        // diffusers does not pass it to: CrossAttnDownBlock2D, DownBlock2D and their up counterparts ignore it.
        r.Ignore("resnet_out_scale_factor", "encoder_hid_dim", "addition_time_embed_dim", "projection_class_embeddings_input_dim", "addition_embed_type_num_heads");
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
        Require(DownBlockTypes.All(t => t is "CrossAttnDownBlock2D" or "DownBlock2D"), "down_block_types", DownBlockTypes, "supported: CrossAttnDownBlock2D, DownBlock2D");
        Require(UpBlockTypes.All(t => t is "CrossAttnUpBlock2D" or "UpBlock2D"), "up_block_types", UpBlockTypes, "supported: CrossAttnUpBlock2D, UpBlock2D");
        Require(DownBlockTypes.Count == blocks, "down_block_types", DownBlockTypes, $"needs one entry per block_out_channels ({blocks})");
        Require(UpBlockTypes.Count == blocks, "up_block_types", UpBlockTypes, $"needs one entry per block_out_channels ({blocks})");
        Require(MidBlockType is null or "UNetMidBlock2DCrossAttn", "mid_block_type", MidBlockType, "supported: UNetMidBlock2DCrossAttn, null");
        Require(InChannels > 0, "in_channels", InChannels, "must be positive");
        Require(OutChannels > 0, "out_channels", OutChannels, "must be positive");
        Require(NormNumGroups > 0 && BlockOutChannels.All(c => c % NormNumGroups == 0), "norm_num_groups", NormNumGroups, "must divide every block_out_channels entry");
        Require(LayersPerBlock.Count == blocks && LayersPerBlock.All(n => n > 0), "layers_per_block", LayersPerBlock, "positive, one per block");
        Require(TransformerLayersPerBlock.Count == blocks && TransformerLayersPerBlock.All(n => n > 0), "transformer_layers_per_block", TransformerLayersPerBlock, "positive, one per block");
        Require(CrossAttentionDim.Count == blocks && CrossAttentionDim.All(n => n > 0), "cross_attention_dim", CrossAttentionDim, "positive, one per block");
        Require(CrossAttentionDim.Distinct().Count() <= 1, "cross_attention_dim", CrossAttentionDim, "every block attends to the same text tokens, so all entries must be equal");
        Require(AttentionHeadDim.Count == blocks && AttentionHeadDim.All(n => n > 0), "attention_head_dim", AttentionHeadDim, "positive head counts, one per block");
        if (AttentionHeadDim.Count == blocks && BlockOutChannels.Count == blocks)
        {
            for (int i = 0; i < blocks; i++)
            {
                Require(AttentionHeadDim[i] > 0 && BlockOutChannels[i] % AttentionHeadDim[i] == 0, "attention_head_dim", AttentionHeadDim,
                    $"block {i}: {AttentionHeadDim[i]} heads must divide its {BlockOutChannels[i]} channels");
            }
        }

        Require(ResnetTimeScaleShift is "default" or "scale_shift", "resnet_time_scale_shift", ResnetTimeScaleShift, "supported: default, scale_shift");
        Require(NumClassEmbeds is null or > 0, "num_class_embeds", NumClassEmbeds, "must be positive");
        Require(TimeEmbeddingDim is null or > 0, "time_embedding_dim", TimeEmbeddingDim, "must be positive");
        Require(ConvInKernel > 0 && ConvInKernel % 2 == 1, "conv_in_kernel", ConvInKernel, "a positive odd size");
        Require(ConvOutKernel > 0 && ConvOutKernel % 2 == 1, "conv_out_kernel", ConvOutKernel, "a positive odd size");
        Require(DownsamplePadding is 0 or 1, "downsample_padding", DownsamplePadding, "supported: 0, 1");
        Require(SampleSize is null || (SampleSize.Count == 2 && SampleSize.All(s => s > 0)), "sample_size", SampleSize, "a positive size or [height, width]");
    }

    private static void RequireDefault(ConfigReader r, string field, params string[] allowed)
    {
        var value = r.NullableString(field, allowed[0]);
        r.Require(value is not null && allowed.Contains(value), field, $"supported: {string.Join(", ", allowed)}");
    }

    private static void RequireNull(ConfigReader r, string field, string feature, bool allowFalse = false)
    {
        var node = r.Raw(field);
        bool ok = node is null || (allowFalse && node is JsonValue v && v.TryGetValue(out bool b) && !b);
        r.Require(ok, field, $"only null: {feature} is not implemented");
    }

    private static void RequireFalse(ConfigReader r, string field, bool allowListOfFalse = false)
    {
        var node = r.Raw(field);
        static bool IsFalse(JsonNode? n) => n is JsonValue v && v.TryGetValue(out bool b) && !b;
        bool ok = node is null || IsFalse(node) || (allowListOfFalse && node is JsonArray a && a.All(IsFalse));
        r.Require(ok, field, "only false is implemented");
    }
}
