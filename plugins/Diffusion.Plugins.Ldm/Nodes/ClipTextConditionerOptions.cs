using Diffusion.Contracts;

namespace Diffusion.Plugins.Ldm;

/// <summary>Params of <c>conditioner.clip_text</c>.</summary>
public sealed record ClipTextConditionerOptions
{
    /// <summary>The text encoder folder, or a diffusers pipeline folder (its text_encoder/ and tokenizer/ are used).</summary>
    [Param("A transformers CLIPTextModel folder (config.json + weights) or a Stable Diffusion pipeline folder (its text_encoder/ and tokenizer/), relative to the pipeline file.", Required = true, Path = PathKind.InputFolder)]
    public string Model { get; init; } = "";

    /// <summary>The tokenizer folder; empty finds it next to the model.</summary>
    [Param("The CLIP tokenizer folder (vocab.json, merges.txt, optional tokenizer_config.json); empty: the pipeline's tokenizer/, the model folder, or its sibling tokenizer/.", Path = PathKind.InputFolder)]
    public string Tokenizer { get; init; } = "";

    /// <summary>Layers to skip at the end of the text encoder.</summary>
    [Param("Encoder layers to skip at the end (diffusers' clip_skip); the final layer norm is applied to the earlier layer's output.", Min = 0, Max = 64)]
    public int ClipSkip { get; init; }
}
