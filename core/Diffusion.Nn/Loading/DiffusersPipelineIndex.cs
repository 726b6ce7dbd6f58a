using System.Text.Json;
using System.Text.Json.Nodes;
using Diffusion.Torch.Files;

namespace Diffusion.Nn;

/// <summary>
/// A diffusers pipeline folder's <c>model_index.json</c>: the pipeline class (<c>_class_name</c>) and, for each
/// component subfolder, the library and class that saved it (<c>"unet": ["diffusers", "UNet2DConditionModel"]</c>;
/// <c>[null, null]</c> for a part left out, such as a removed safety checker). Loaders check the classes they can run
/// before touching weights, so a folder of another kind is an error naming the file and the field.
/// </summary>
public sealed class DiffusersPipelineIndex
{
    private readonly Dictionary<string, (string? Library, string? ClassName)> components;

    private DiffusersPipelineIndex(string path, string className, Dictionary<string, (string? Library, string? ClassName)> components)
    {
        Path = path;
        ClassName = className;
        this.components = components;
    }

    /// <summary>The model_index.json read.</summary>
    public string Path { get; }

    /// <summary>The folder holding it.</summary>
    public string Folder => System.IO.Path.GetDirectoryName(Path) ?? ".";

    /// <summary>The pipeline class, e.g. StableDiffusionPipeline or OnnxStableDiffusionPipeline.</summary>
    public string ClassName { get; }

    /// <summary>Every component entry: name → (library, class); both null for a part left out.</summary>
    public IReadOnlyDictionary<string, (string? Library, string? ClassName)> Components => components;

    /// <summary>Whether <paramref name="folder"/> holds a model_index.json.</summary>
    public static bool IsPipelineFolder(string folder) => File.Exists(System.IO.Path.Combine(folder, ModelFolder.PipelineIndexFileName));

    /// <summary>Reads <paramref name="folder"/>/model_index.json.</summary>
    /// <exception cref="FileNotFoundException">The folder has no model_index.json.</exception>
    /// <exception cref="InvalidDataException">The file is not a pipeline index (the message names the field).</exception>
    public static DiffusersPipelineIndex Read(string folder)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        var path = System.IO.Path.Combine(folder, ModelFolder.PipelineIndexFileName);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException(
                $"'{folder}' has no {ModelFolder.PipelineIndexFileName}; give a diffusers pipeline folder (model_index.json, unet/, vae/, text_encoder/, tokenizer/, scheduler/).", path);
        }

        JsonObject root;
        try
        {
            root = JsonNode.Parse(SafeFile.ReadAllText(path, ConfigReader.MaxConfigBytes, "Pipeline index")) as JsonObject ?? throw new InvalidDataException($"Pipeline index '{path}' is not a JSON object.");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"Pipeline index '{path}' is not valid JSON: {e.Message}", e);
        }

        var className = root["_class_name"] is JsonValue value && value.TryGetValue(out string? name) && name.Length > 0
            ? name
            : throw new InvalidDataException($"Pipeline index '{path}': field '_class_name' is missing or not a string.");
        var components = new Dictionary<string, (string? Library, string? ClassName)>(StringComparer.Ordinal);
        foreach (var (key, node) in root)
        {
            if (key.StartsWith('_'))
            {
                continue;
            }

            if (node is JsonArray { Count: 2 } pair && IsNameOrNull(pair[0]) && IsNameOrNull(pair[1]))
            {
                components[key] = (pair[0]?.GetValue<string>(), pair[1]?.GetValue<string>());
            }
            else if (node is JsonArray)
            {
                throw new InvalidDataException($"Pipeline index '{path}': field '{key}' = {node.ToJsonString()} is not [library, class].");
            }

            // Other fields (requires_safety_checker, force_zeros_for_empty_prompt, ...) are pipeline settings, not parts.
        }

        return new DiffusersPipelineIndex(path, className, components);
    }

    /// <summary>Throws unless the pipeline class is one of <paramref name="supported"/>.</summary>
    /// <exception cref="InvalidDataException">Another pipeline class (the message names the file, the field and what is supported).</exception>
    public void RequirePipelineClass(string loader, params string[] supported)
    {
        ArgumentNullException.ThrowIfNull(supported);
        if (!supported.Contains(ClassName, StringComparer.Ordinal))
        {
            throw new InvalidDataException(
                $"Pipeline index '{Path}': field '_class_name' is '{ClassName}', which {loader} cannot load (supported: {string.Join(", ", supported)}).");
        }
    }

    /// <summary>
    /// The subfolder of component <paramref name="name"/>, after checking that the index lists it with one of
    /// <paramref name="classes"/> and that the folder exists.
    /// </summary>
    /// <exception cref="InvalidDataException">The component is missing, left out (null) or of another class.</exception>
    /// <exception cref="DirectoryNotFoundException">The index lists it but its folder is absent.</exception>
    public string RequireComponent(string name, params string[] classes)
    {
        ArgumentNullException.ThrowIfNull(classes);
        if (!components.TryGetValue(name, out var entry) || entry.ClassName is null)
        {
            throw new InvalidDataException(
                $"Pipeline index '{Path}': field '{name}' is {(entry.ClassName is null && components.ContainsKey(name) ? "[null, null] (left out)" : "missing")}; this loader needs the {name} part ({string.Join(" or ", classes)}).");
        }

        if (!classes.Contains(entry.ClassName, StringComparer.Ordinal))
        {
            throw new InvalidDataException(
                $"Pipeline index '{Path}': field '{name}' is [\"{entry.Library}\", \"{entry.ClassName}\"]; this loader takes {string.Join(" or ", classes)} there.");
        }

        var folder = System.IO.Path.Combine(Folder, name);
        return Directory.Exists(folder)
            ? folder
            : throw new DirectoryNotFoundException($"Pipeline index '{Path}' lists the part '{name}' but the folder '{folder}' is missing.");
    }

    /// <summary>The class of component <paramref name="name"/>, or null when it is not listed or left out.</summary>
    public string? ComponentClass(string name) => components.TryGetValue(name, out var entry) ? entry.ClassName : null;

    private static bool IsNameOrNull(JsonNode? node) => node is null || (node is JsonValue value && value.TryGetValue(out string? _));
}
