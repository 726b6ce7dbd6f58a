using Diffusion.Contracts;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Diffusion.Nn;

/// <summary>
/// The text encoder of CLIP (Radford et al. 2021, §2.4: a causal transformer whose end-token activation represents
/// the text) as Stable Diffusion uses it (Rombach et al. 2022, τ_θ), with transformers' <c>CLIPTextModel</c> module
/// tree: embeddings (token_embedding, position_embedding), encoder.layers, final_layer_norm. Checkpoints that prefix
/// these with <c>text_model.</c> (transformers 4.x) load through <see cref="ModelFolder"/>, which strips the prefix.
/// </summary>
public sealed class ClipTextModel : nn.Module
{
    private readonly ClipEmbeddings embeddings;
    private readonly ClipEncoder encoder;
    private readonly LayerNorm final_layer_norm;

    /// <summary>Builds the network with freshly initialised weights.</summary>
    /// <param name="config">The architecture (validated here).</param>
    /// <param name="attentionBackend">Computes every attention layer; null means dense.</param>
    /// <exception cref="InvalidDataException">The config holds unsupported values.</exception>
    public ClipTextModel(ClipTextConfig config, IAttentionBackend? attentionBackend = null)
        : base(nameof(ClipTextModel))
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate("(in memory)");
        Config = config;
        embeddings = new ClipEmbeddings(config.VocabSize, config.MaxPositionEmbeddings, config.HiddenSize);
        encoder = new ClipEncoder(config, attentionBackend);
        final_layer_norm = TokenNorm.Create(config.HiddenSize, config.LayerNormEps);
        RegisterComponents();
        AttentionLayerNames.Assign(this);
    }

    /// <summary>The architecture.</summary>
    public ClipTextConfig Config { get; }

    /// <summary>
    /// Encodes token ids [b, n] (int64, n ≤ max_position_embeddings). <paramref name="attentionMask"/> [b, n] (1 =
    /// token, 0 = padding) additionally hides padding, as transformers does when given one (Stable Diffusion passes
    /// none). <paramref name="skipLayers"/> &gt; 0 stops that many layers before the end and applies the final layer
    /// norm there (diffusers' <c>clip_skip</c>).
    /// </summary>
    /// <exception cref="ArgumentException">Ids out of the vocabulary, too many tokens, or a bad skip count.</exception>
    public ClipTextOutput Forward(Tensor inputIds, Tensor? attentionMask = null, int skipLayers = 0)
    {
        ArgumentNullException.ThrowIfNull(inputIds);
        if (skipLayers < 0 || skipLayers >= Config.NumHiddenLayers)
        {
            throw new ArgumentException($"CLIP text model: skipLayers {skipLayers} must be in [0, {Config.NumHiddenLayers - 1}].", nameof(skipLayers));
        }

        using var scope = NewDisposeScope();
        var ids = inputIds.to(ScalarType.Int64).to(embeddings.parameters().First().device);
        CheckIds(ids);
        Tensor? mask = null;
        if (attentionMask is not null)
        {
            // [b, n] → boolean [b, 1, 1, n]: every query may see the non-padding keys (combined with the causal triangle).
            mask = attentionMask.to(ids.device).ne(0).unsqueeze(1).unsqueeze(1);
        }

        var h = embeddings.forward(ids);
        h = encoder.Forward(h, mask, Config.NumHiddenLayers - skipLayers);
        var last = final_layer_norm.forward(h);
        var pooled = last[arange(last.shape[0], ScalarType.Int64, last.device), EndTokenPositions(ids)];
        return new ClipTextOutput(last.MoveToOuterDisposeScope(), pooled.MoveToOuterDisposeScope());
    }

    /// <summary>
    /// Where each sequence's end token is: the first occurrence of eos_token_id, or, for the legacy eos_token_id 2,
    /// the position of the highest id (transformers keeps that rule for old configs; with CLIP's vocabulary both find
    /// the first end token). A sequence without an end token pools at position 0, as argmax of all-zeros does.
    /// </summary>
    private Tensor EndTokenPositions(Tensor ids) => Config.EosTokenId == 2
        ? ids.argmax(-1)
        : ids.eq(Config.EosTokenId).to(ScalarType.Int32).argmax(-1);

    private void CheckIds(Tensor ids)
    {
        if (ids.dim() != 2 || ids.shape[1] == 0)
        {
            throw new ArgumentException($"CLIP text model: input ids must be [batch, tokens], got [{string.Join(", ", ids.shape)}].", nameof(ids));
        }

        if (ids.shape[1] > Config.MaxPositionEmbeddings)
        {
            throw new ArgumentException(
                $"CLIP text model: {ids.shape[1]} tokens exceed max_position_embeddings {Config.MaxPositionEmbeddings}; truncate the prompt (the tokenizer does).", nameof(ids));
        }

        long min = ids.min().item<long>(), max = ids.max().item<long>();
        if (min < 0 || max >= Config.VocabSize)
        {
            throw new ArgumentException($"CLIP text model: token ids must be in [0, {Config.VocabSize}), found {(min < 0 ? min : max)}.", nameof(ids));
        }
    }
}
