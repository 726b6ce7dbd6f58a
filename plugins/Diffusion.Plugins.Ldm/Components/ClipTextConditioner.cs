using Diffusion.Contracts;
using Diffusion.Nn;
using Diffusion.Text;
using static TorchSharp.torch;

namespace Diffusion.Plugins.Ldm;

/// <summary>
/// Text conditioning for latent diffusion (Rombach et al. 2022, §3.3: τ_θ(y)): prompts → CLIP tokenizer → CLIP text
/// encoder → <see cref="Conditioning.EncoderHiddenStates"/> [b, 77, d] (the last hidden state, or with
/// <c>clip_skip</c> an earlier layer's output through the final layer norm, as diffusers does) and
/// <see cref="Conditioning.PooledEmbeddings"/> [b, d]. The unconditional branch of classifier-free guidance (Ho &amp;
/// Salimans 2022) encodes the empty prompt, or the negative prompts. Immutable; runs without autograd.
/// </summary>
public sealed class ClipTextConditioner : IConditioner
{
    private readonly ClipTokenizer tokenizer;
    private readonly ClipTextModel model;
    private readonly int clipSkip;

    /// <summary>Creates the conditioner (taking ownership of <paramref name="model"/>).</summary>
    /// <param name="tokenizer">The model's tokenizer.</param>
    /// <param name="model">The text encoder.</param>
    /// <param name="clipSkip">Layers to skip at the end of the encoder (diffusers' <c>clip_skip</c>; 0 = none).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="clipSkip"/> leaves no layer.</exception>
    public ClipTextConditioner(ClipTokenizer tokenizer, ClipTextModel model, int clipSkip = 0)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        ArgumentNullException.ThrowIfNull(model);
        if (clipSkip < 0 || clipSkip >= model.Config.NumHiddenLayers)
        {
            throw new ArgumentOutOfRangeException(nameof(clipSkip), clipSkip,
                $"conditioner.clip_text: clip_skip must be in [0, {model.Config.NumHiddenLayers - 1}] for this {model.Config.NumHiddenLayers}-layer text encoder.");
        }

        if (tokenizer.MaxLength > model.Config.MaxPositionEmbeddings)
        {
            throw new ArgumentException(
                $"conditioner.clip_text: the tokenizer pads to {tokenizer.MaxLength} tokens but the text encoder takes at most {model.Config.MaxPositionEmbeddings}; the tokenizer does not belong to this text encoder.");
        }

        this.tokenizer = tokenizer;
        this.model = model;
        this.clipSkip = clipSkip;
    }

    /// <summary>The tokenizer.</summary>
    public ClipTokenizer Tokenizer => tokenizer;

    /// <summary>The text encoder.</summary>
    public ClipTextModel Network => model;

    /// <inheritdoc />
    /// <exception cref="ArgumentException">The input has no prompts.</exception>
    public Conditioning Encode(ConditionInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return EncodePrompts(PromptBatches.Of(input.Prompts, "conditioner.clip_text"));
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentException">The negative prompts are neither one nor one per batch item.</exception>
    public Conditioning Unconditional(int batch, ConditionInput? negative = null) =>
        EncodePrompts(PromptBatches.Unconditional(batch, negative?.Prompts, "conditioner.clip_text"));

    private Conditioning EncodePrompts(IReadOnlyList<string> prompts)
    {
        using var gradMode = no_grad();
        using var scope = NewDisposeScope();
        var device = model.parameters().First().device;
        var ids = tokenizer.EncodeBatch(prompts).to(device);
        var output = model.Forward(ids, null, clipSkip);
        return new Conditioning
        {
            EncoderHiddenStates = output.LastHiddenState.MoveToOuterDisposeScope(),
            PooledEmbeddings = output.PoolerOutput.MoveToOuterDisposeScope(),
        };
    }
}
