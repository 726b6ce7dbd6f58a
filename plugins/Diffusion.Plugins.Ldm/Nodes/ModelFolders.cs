using System.Text.Json.Nodes;
using Diffusion.Nn;
using Diffusion.Text;
using Diffusion.Torch.Files;

namespace Diffusion.Plugins.Ldm;

/// <summary>
/// Resolves the <c>model</c> param of the Ldm nodes: a component folder (config.json + weights), or a diffusers
/// pipeline folder (model_index.json) whose component subfolder (unet/, vae/, text_encoder/ + tokenizer/) is used.
/// </summary>
internal static class ModelFolders
{
    /// <summary>The component folder for <paramref name="model"/> (already resolved against the pipeline folder).</summary>
    public static string Component(string model, string component, string node)
    {
        try
        {
            return ModelFolder.Component(model, component);
        }
        catch (Exception e) when (e is DirectoryNotFoundException or FileNotFoundException)
        {
            throw new FileNotFoundException($"{node}: 'model' = '{model}': {e.Message}", e);
        }
    }

    /// <summary>
    /// The tokenizer folder of a CLIP text encoder: <paramref name="explicitFolder"/> when given; else the pipeline's
    /// tokenizer/; else the text encoder's folder when it holds vocab.json; else its sibling tokenizer/.
    /// </summary>
    public static string Tokenizer(string model, string textEncoderFolder, string? explicitFolder, string node)
    {
        if (!string.IsNullOrWhiteSpace(explicitFolder))
        {
            return explicitFolder;
        }

        var candidates = new List<string>();
        if (File.Exists(Path.Combine(model, ModelFolder.PipelineIndexFileName)))
        {
            candidates.Add(Path.Combine(model, "tokenizer"));
        }

        candidates.Add(textEncoderFolder);
        candidates.Add(Path.Combine(Path.GetDirectoryName(Path.GetFullPath(textEncoderFolder).TrimEnd(Path.DirectorySeparatorChar)) ?? textEncoderFolder, "tokenizer"));
        return candidates.FirstOrDefault(c => File.Exists(Path.Combine(c, ClipTokenizer.VocabFileName)))
            ?? throw new FileNotFoundException(
                $"{node}: no CLIP tokenizer ({ClipTokenizer.VocabFileName} + {ClipTokenizer.MergesFileName}) found in {string.Join(", ", candidates.Select(c => $"'{c}'"))}; set the 'tokenizer' param.");
    }

    /// <summary>A cache key for the files under <paramref name="folders"/> (name, size, modification time), or null when one is missing.</summary>
    public static string? Fingerprint(params string[] folders)
    {
        var parts = new List<string>();
        foreach (var folder in folders)
        {
            if (!Directory.Exists(folder))
            {
                return null;
            }

            foreach (var file in Directory.EnumerateFiles(folder).Order(StringComparer.Ordinal))
            {
                var info = new FileInfo(file);
                parts.Add($"{file}:{info.Length}:{info.LastWriteTimeUtc.Ticks}");
            }
        }

        return string.Join("|", parts);
    }

    /// <summary>
    /// The prediction type a diffusers pipeline folder's scheduler declares for the UNet in <paramref name="unetFolder"/>
    /// (<c>../scheduler/scheduler_config.json</c>, field <c>prediction_type</c>), or null when there is none.
    /// </summary>
    public static string? SchedulerPrediction(string unetFolder)
    {
        var parent = Path.GetDirectoryName(Path.GetFullPath(unetFolder).TrimEnd(Path.DirectorySeparatorChar));
        if (parent is null)
        {
            return null;
        }

        var path = Path.Combine(parent, "scheduler", "scheduler_config.json");
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            return (JsonNode.Parse(SafeFile.ReadAllText(path, 1 << 20, "Scheduler config")) as JsonObject)?["prediction_type"]?.GetValue<string>();
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or InvalidOperationException or FormatException)
        {
            throw new InvalidDataException($"Scheduler config '{path}' (read for the UNet's prediction type): field 'prediction_type' cannot be read: {e.Message}", e);
        }
    }
}
