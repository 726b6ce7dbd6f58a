namespace Diffusion.Extensions.AI;

/// <summary>
/// Which pipeline <see cref="DiffusionImageGenerator"/> runs and where a request goes into it. The defaults fit
/// <c>pipelines/sd-txt2img.json</c>; for a class-conditional pipeline such as <c>pipelines/mnist-digits.json</c> set
/// <see cref="Prompt"/> to <see cref="PromptMode.ClassLabel"/>, <see cref="PromptParam"/> to the labels param,
/// <see cref="ImagesOutput"/> to the sample node's output, and <see cref="CountParams"/> / <see cref="SeedsParam"/> to
/// what that pipeline has.
/// </summary>
public sealed class DiffusionImageGeneratorOptions
{
    /// <summary>The pipeline file; its relative inputs resolve against its folder, as with <c>diffuse run</c>.</summary>
    public string Pipeline { get; set; } = "";

    /// <summary>How the prompt is read (text, or a class).</summary>
    public PromptMode Prompt { get; set; } = PromptMode.Text;

    /// <summary>The param that receives the prompt, <c>node.params.key</c> (a list with one entry per image).</summary>
    public string PromptParam { get; set; } = "prompts.params.prompts";

    /// <summary>
    /// The params that receive the number of images (<c>ImageGenerationOptions.Count</c>): the sample node's count and
    /// the condition node's rows in <c>sd-txt2img.json</c>. Clear it (or change it) for other pipelines.
    /// </summary>
    public IList<string> CountParams { get; } = ["sample.params.count", "prompts.params.count"];

    /// <summary>
    /// The param that receives one seed per image (seed, seed + 1, ...), as <c>sampler.per_image_seeds</c> takes them; null
    /// for a pipeline without one.
    /// </summary>
    public string? SeedsParam { get; set; } = "seeds.params.seeds";

    /// <summary>
    /// The param that receives a seed given as <c>AdditionalProperties["seed"]</c>, or null; without one the run's seed
    /// is that value (or 0), so the same request gives the same image.
    /// </summary>
    public string? SeedParam { get; set; }

    /// <summary>The node output holding the images, <c>node.port</c>: a tensor [N, C, H, W] with values in [−1, 1], C = 1, 3 or 4.</summary>
    public string ImagesOutput { get; set; } = "decode.images";

    /// <summary>Class names by label, for <see cref="PromptMode.ClassLabel"/> (default: the digits zero … nine).</summary>
    public IList<string> ClassNames { get; } = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"];

    /// <summary>Further <c>node.params.key=value</c> overrides applied to every run (fewer steps, no grid layout, ...).</summary>
    public IList<string> Set { get; } = [];

    /// <summary>The most images one request may ask for.</summary>
    public int MaxCount { get; set; } = 16;

    /// <summary>The model id reported in the generator's metadata (default: the pipeline's file name).</summary>
    public string? ModelId { get; set; }
}
