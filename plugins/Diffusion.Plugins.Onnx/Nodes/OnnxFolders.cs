using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Diffusion.Contracts;
using Diffusion.Nn;
using Diffusion.Text;
using Diffusion.Torch.Files;

namespace Diffusion.Plugins.Onnx;

/// <summary>
/// Finds the parts of an ONNX Stable Diffusion folder: a pipeline folder (model_index.json naming each part
/// <c>["diffusers", "OnnxRuntimeModel"]</c>, each in &lt;part&gt;/model.onnx), or, for a single part, a folder holding
/// model.onnx. Every missing part or class this plugin cannot run is an error naming the file and the field.
/// </summary>
internal static class OnnxFolders
{
    /// <summary>The ONNX file name in each part folder.</summary>
    public const string ModelFileName = "model.onnx";

    /// <summary>Pipeline classes whose folders hold ONNX graphs in this layout.</summary>
    public static readonly string[] PipelineClasses =
    [
        "OnnxStableDiffusionPipeline", "OnnxStableDiffusionImg2ImgPipeline", "StableDiffusionOnnxPipeline",
        "ORTStableDiffusionPipeline", "ORTStableDiffusionImg2ImgPipeline",
    ];

    /// <summary>The class model_index.json gives an ONNX part.</summary>
    public const string PartClass = "OnnxRuntimeModel";

    /// <summary>The .onnx file of <paramref name="part"/> (unet, vae_decoder, vae_encoder, text_encoder) for the <c>model</c> param.</summary>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="FileNotFoundException">The part is missing (the message names what was looked for).</exception>
    /// <exception cref="InvalidDataException">model_index.json names another pipeline or part class.</exception>
    public static string Part(string model, string part, string node)
    {
        if (!Directory.Exists(model))
        {
            throw new DirectoryNotFoundException($"{node}: 'model' folder '{model}' does not exist.");
        }

        if (DiffusersPipelineIndex.IsPipelineFolder(model))
        {
            var index = Index(model, node);
            var folder = index.RequireComponent(part, PartClass);
            var file = Path.Combine(folder, ModelFileName);
            return File.Exists(file)
                ? file
                : throw new FileNotFoundException($"{node}: '{index.Path}' lists the part '{part}' but '{file}' is missing.", file);
        }

        var direct = Path.Combine(model, ModelFileName);
        return File.Exists(direct)
            ? direct
            : throw new FileNotFoundException(
                $"{node}: '{model}' holds neither {ModelFolder.PipelineIndexFileName} (an ONNX pipeline folder with {part}/{ModelFileName}) nor {ModelFileName}.", direct);
    }

    /// <summary>The .onnx file of an optional part, or null when the pipeline folder leaves it out.</summary>
    public static string? OptionalPart(string model, string part, string node)
    {
        if (!DiffusersPipelineIndex.IsPipelineFolder(model) || Index(model, node).ComponentClass(part) is null)
        {
            return null;
        }

        return Part(model, part, node);
    }

    /// <summary>The pipeline index, checked for an ONNX pipeline class.</summary>
    public static DiffusersPipelineIndex Index(string model, string node)
    {
        var index = DiffusersPipelineIndex.Read(model);
        index.RequirePipelineClass(node, PipelineClasses);
        return index;
    }

    /// <summary>The tokenizer folder: <paramref name="explicitFolder"/>, else the pipeline's tokenizer/, else the model folder.</summary>
    public static string Tokenizer(string model, string? explicitFolder, string node)
    {
        if (!string.IsNullOrWhiteSpace(explicitFolder))
        {
            return explicitFolder;
        }

        if (DiffusersPipelineIndex.IsPipelineFolder(model))
        {
            return Index(model, node).RequireComponent("tokenizer", "CLIPTokenizer", "CLIPTokenizerFast");
        }

        return File.Exists(Path.Combine(model, ClipTokenizer.VocabFileName))
            ? model
            : throw new FileNotFoundException($"{node}: no CLIP tokenizer ({ClipTokenizer.VocabFileName}) in '{model}'; set the 'tokenizer' param.", Path.Combine(model, ClipTokenizer.VocabFileName));
    }

    /// <summary>prediction_type from scheduler/scheduler_config.json, or epsilon without one.</summary>
    public static PredictionType Prediction(string model, string requested)
    {
        var name = requested;
        if (requested == "auto")
        {
            var path = Path.Combine(model, "scheduler", "scheduler_config.json");
            name = File.Exists(path) ? ReadString(path, "prediction_type") ?? "epsilon" : "epsilon";
        }

        return name switch
        {
            "epsilon" => PredictionType.Epsilon,
            "v_prediction" => PredictionType.VPrediction,
            "sample" => PredictionType.Sample,
            _ => throw new InvalidDataException($"Scheduler config of '{model}': field 'prediction_type' is '{name}', not one of epsilon, v_prediction, sample."),
        };
    }

    /// <summary>A number field of &lt;part&gt;/config.json when the folder has one (Optimum's exports do), else null.</summary>
    public static double? PartConfigNumber(string partFile, string field)
    {
        var path = Path.Combine(Path.GetDirectoryName(partFile) ?? ".", ModelFolder.ConfigFileName);
        if (!File.Exists(path))
        {
            return null;
        }

        var node = ReadNode(path)[field];
        return node switch
        {
            null => null,
            JsonArray { Count: > 0 } list => list[0]?.GetValue<double>(),
            JsonValue value when value.TryGetValue(out double number) => number,
            _ => throw new InvalidDataException($"Config '{path}': field '{field}' = {node.ToJsonString()} is not a number."),
        };
    }

    /// <summary>A cache key over the files of the folder's parts (name, size, time), or null when the folder is missing.</summary>
    public static string? Fingerprint(NodeValidationContext context, params string[] parts)
    {
        var model = context.Params["model"]?.GetValue<string>();
        if (string.IsNullOrWhiteSpace(model))
        {
            return null;
        }

        var root = Path.GetFullPath(model, context.BaseDirectory);
        if (!Directory.Exists(root))
        {
            return null;
        }

        var folders = new[] { root }.Concat(parts.Select(p => Path.Combine(root, p))).Where(Directory.Exists);
        return string.Join("|", folders.SelectMany(f => Directory.EnumerateFiles(f)).Order(StringComparer.Ordinal)
            .Select(f => $"{f}:{new FileInfo(f).Length}:{File.GetLastWriteTimeUtc(f).Ticks.ToString(CultureInfo.InvariantCulture)}"));
    }

    private static string? ReadString(string path, string field) => ReadNode(path)[field] switch
    {
        null => null,
        JsonValue value when value.TryGetValue(out string? text) => text,
        var other => throw new InvalidDataException($"Config '{path}': field '{field}' = {other.ToJsonString()} is not a string."),
    };

    private static JsonObject ReadNode(string path)
    {
        try
        {
            return JsonNode.Parse(SafeFile.ReadAllText(path, 1 << 20, "Config")) as JsonObject ?? throw new InvalidDataException($"Config '{path}' is not a JSON object.");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"Config '{path}' is not valid JSON: {e.Message}", e);
        }
    }
}
