namespace Diffusion.Extensions.AI;

/// <summary>How a request's prompt reaches the pipeline.</summary>
public enum PromptMode
{
    /// <summary>Text-to-image: the prompt is written to the prompt param as a list of one prompt per image.</summary>
    Text,

    /// <summary>
    /// Class-conditional: the prompt names a class, by number (<c>"7"</c>) or by one of
    /// <see cref="DiffusionImageGeneratorOptions.ClassNames"/> (<c>"seven"</c>); the prompt param gets one label per image.
    /// </summary>
    ClassLabel,
}
