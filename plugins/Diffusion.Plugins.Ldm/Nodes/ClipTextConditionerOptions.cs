using Diffusion.Contracts;

namespace Diffusion.Plugins.Ldm;

/// <summary>Params of <c>conditioner.clip_text</c>.</summary>
public sealed record ClipTextConditionerOptions
{
    [Param("A transformers CLIPTextModel folder (config.json + weights) or a Stable Diffusion pipeline folder (its text_encoder/ and tokenizer/), relative to the pipeline file.", Required = true, Path = PathKind.InputFolder)]
    public string Model { get; init; } = "";

    [Param("The CLIP tokenizer folder (vocab.json, merges.txt, optional tokenizer_config.json); empty: the pipeline's tokenizer/, the model folder, or its sibling tokenizer/.", Path = PathKind.InputFolder)]
    public string Tokenizer { get; init; } = "";

    [Param("Encoder layers to skip at the end (diffusers' clip_skip); the final layer norm is applied to the earlier layer's output.", Min = 0, Max = 64)]
    public int ClipSkip { get; init; }
}
