using Diffusion.Contracts;

namespace Diffusion.Plugins.Ldm;

/// <summary>Cache keys shared by the Ldm nodes (the model folder itself is checked by the host: its param is an input folder).</summary>
internal static class LdmValidation
{
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
