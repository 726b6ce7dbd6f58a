using System.Text.Json.Nodes;

namespace Diffusion.Nn;

/// <summary>
/// The settings of a <see cref="ClipTextModel"/>, read from transformers' <c>CLIPTextConfig</c> <c>config.json</c>
/// (defaults as in transformers). transformers writes many generic fields (generation settings, label maps, dtype);
/// those are ignored, while every field that shapes the network is read and checked, and an unsupported value is an
/// error naming the file and the field.
/// </summary>
public sealed record ClipTextConfig
{
    /// <summary>The transformers architecture this config describes.</summary>
    public const string ArchitectureName = "CLIPTextModel";

    /// <summary>The transformers model type of CLIP text encoders.</summary>
    public const string ModelType = "clip_text_model";

    /// <summary>Token table size.</summary>
    public int VocabSize { get; init; } = 49408;

    /// <summary>Token width.</summary>
    public int HiddenSize { get; init; } = 512;

    /// <summary>Hidden width of the MLPs.</summary>
    public int IntermediateSize { get; init; } = 2048;

    /// <summary>Width of the text projection (used only by CLIPTextModelWithProjection; kept for reference).</summary>
    public int ProjectionDim { get; init; } = 512;

    /// <summary>Encoder layers.</summary>
    public int NumHiddenLayers { get; init; } = 12;

    /// <summary>Attention heads.</summary>
    public int NumAttentionHeads { get; init; } = 8;

    /// <summary>Longest token sequence (the position table's size, 77 for CLIP).</summary>
    public int MaxPositionEmbeddings { get; init; } = 77;

    /// <summary>The MLP activation: <c>quick_gelu</c> (OpenAI CLIP, SD 1.x), <c>gelu</c> (OpenCLIP, SD 2.x), <c>gelu_new</c>/<c>gelu_pytorch_tanh</c>.</summary>
    public string HiddenAct { get; init; } = "quick_gelu";

    /// <summary>LayerNorm epsilon.</summary>
    public double LayerNormEps { get; init; } = 1e-5;

    /// <summary>The padding token id transformers records (the tokenizer decides what pads prompts).</summary>
    public int PadTokenId { get; init; } = 1;

    /// <summary>The start token id.</summary>
    public int BosTokenId { get; init; } = 49406;

    /// <summary>
    /// The end token id; the pooled output is taken at its first occurrence. The legacy value 2 (configs written
    /// before transformers PR 24773) means: at the highest token id instead, as transformers keeps doing for it.
    /// </summary>
    public int EosTokenId { get; init; } = 49407;

    /// <summary>Width of one attention head.</summary>
    public int HeadDim => HiddenSize / NumAttentionHeads;

    /// <summary>Reads a transformers <c>config.json</c>.</summary>
    /// <exception cref="InvalidDataException">The file is unreadable, not a CLIP text config, or holds unsupported values.</exception>
    public static ClipTextConfig Load(string path) => FromJson(ConfigReader.ReadObject(path, ArchitectureName), path);

    /// <summary>Parses config JSON; <paramref name="source"/> names it in errors.</summary>
    /// <exception cref="InvalidDataException">Not a CLIP text config, or unsupported values.</exception>
    public static ClipTextConfig Parse(string json, string source) => FromJson(ConfigReader.ParseObject(json, ArchitectureName, source), source);

    /// <summary>Whether a parsed config describes a CLIP text model: <c>architectures</c> names CLIPTextModel, or (without architectures) <c>model_type</c> is clip_text_model.</summary>
    public static bool Describes(JsonObject config)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (config["architectures"] is JsonArray architectures && architectures.Count > 0)
        {
            return architectures.Any(a => a?.ToString() == ArchitectureName);
        }

        return config["model_type"]?.ToString() == ModelType;
    }

    /// <summary>Builds the config from a parsed object; <paramref name="source"/> names it in errors.</summary>
    /// <exception cref="InvalidDataException">Not a CLIP text config, or unsupported values (all listed).</exception>
    public static ClipTextConfig FromJson(JsonObject root, string source)
    {
        ArgumentNullException.ThrowIfNull(root);
        if (root["architectures"] is JsonArray architectures && architectures.Count > 0 && !architectures.Any(a => a?.ToString() == ArchitectureName))
        {
            throw new InvalidDataException(
                $"{ArchitectureName} config '{source}': field 'architectures' is {architectures.ToJsonString()}; only {ArchitectureName} is supported " +
                "(CLIPTextModelWithProjection's projection and full CLIPModel configs are not).");
        }

        if (root["model_type"]?.ToString() is string modelType && modelType != ModelType)
        {
            throw new InvalidDataException(
                $"{ArchitectureName} config '{source}': field 'model_type' is '{modelType}', expected '{ModelType}'. Point the node at the text encoder's folder (text_encoder/).");
        }

        var r = new ConfigReader(root, ArchitectureName, source);
        var config = new ClipTextConfig
        {
            VocabSize = r.Int("vocab_size", 49408),
            HiddenSize = r.Int("hidden_size", 512),
            IntermediateSize = r.Int("intermediate_size", 2048),
            ProjectionDim = r.Int("projection_dim", 512),
            NumHiddenLayers = r.Int("num_hidden_layers", 12),
            NumAttentionHeads = r.Int("num_attention_heads", 8),
            MaxPositionEmbeddings = r.Int("max_position_embeddings", 77),
            HiddenAct = r.String("hidden_act", "quick_gelu"),
            LayerNormEps = r.Double("layer_norm_eps", 1e-5),
            PadTokenId = r.NullableInt("pad_token_id", 1) ?? 1,
            BosTokenId = r.NullableInt("bos_token_id", 49406) ?? 49406,
            EosTokenId = r.NullableInt("eos_token_id", 49407) ?? 49407,
        };
        config.Check(r);
        r.ThrowIfProblems();
        return config;
    }

    /// <summary>Checks every value this implementation supports; the message names the field.</summary>
    /// <exception cref="InvalidDataException">A value is unsupported or inconsistent.</exception>
    public void Validate(string source)
    {
        var r = new ConfigReader(new JsonObject(), ArchitectureName, source);
        Check(r);
        r.ThrowIfProblems();
    }

    private void Check(ConfigReader r)
    {
        void Require(bool ok, string field, object? value, string expected)
        {
            if (!ok)
            {
                r.Problem(field, $"= {System.Text.Json.JsonSerializer.Serialize(value)} is not supported ({expected})");
            }
        }

        Require(VocabSize > 0, "vocab_size", VocabSize, "must be positive");
        Require(HiddenSize > 0, "hidden_size", HiddenSize, "must be positive");
        Require(IntermediateSize > 0, "intermediate_size", IntermediateSize, "must be positive");
        Require(NumHiddenLayers > 0, "num_hidden_layers", NumHiddenLayers, "must be positive");
        Require(MaxPositionEmbeddings > 0, "max_position_embeddings", MaxPositionEmbeddings, "must be positive");
        Require(NumAttentionHeads > 0 && HiddenSize % NumAttentionHeads == 0, "num_attention_heads", NumAttentionHeads, $"must divide hidden_size {HiddenSize}");
        Require(ClipActivation.IsKnown(HiddenAct), "hidden_act", HiddenAct, $"supported: {string.Join(", ", ClipActivation.Names)}");
        Require(LayerNormEps > 0, "layer_norm_eps", LayerNormEps, "must be positive");
        Require(EosTokenId >= 0 && EosTokenId < VocabSize, "eos_token_id", EosTokenId, "must be a token id");
    }
}
