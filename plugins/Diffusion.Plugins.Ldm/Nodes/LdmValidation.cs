using Diffusion.Contracts;

namespace Diffusion.Plugins.Ldm;

/// <summary>Validation and cache keys shared by the Ldm nodes.</summary>
internal static class LdmValidation
{
    /// <summary>An issue on <c>model</c> when it is empty or names no existing folder.</summary>
    public static IEnumerable<ValidationIssue> ModelFolder(string model, NodeValidationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (string.IsNullOrWhiteSpace(model))
        {
            yield return context.ParamIssue("model", "Give the model folder (config.json + weights, or a diffusers pipeline folder), relative to the pipeline file.");
        }
        else if (!Directory.Exists(Path.GetFullPath(model, context.BaseDirectory)))
        {
            yield return context.ParamIssue("model", $"Model folder '{Path.GetFullPath(model, context.BaseDirectory)}' does not exist.");
        }
    }

    /// <summary>A cache key over the files of the model folder (or the named components of a pipeline folder).</summary>
    public static string? Fingerprint(NodeValidationContext context, params string[] components)
    {
        ArgumentNullException.ThrowIfNull(context);
        var model = context.Params["model"]?.GetValue<string>();
        if (string.IsNullOrWhiteSpace(model))
        {
            return null;
        }

        var path = Path.GetFullPath(model, context.BaseDirectory);
        var folders = File.Exists(Path.Combine(path, Nn.ModelFolder.PipelineIndexFileName))
            ? components.Select(c => Path.Combine(path, c)).ToArray()
            : [path];
        return ModelFolders.Fingerprint(folders);
    }
}
