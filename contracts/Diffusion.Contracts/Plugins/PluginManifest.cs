using System.Text.Json.Serialization;

namespace Diffusion.Contracts;

/// <summary>
/// The <c>plugin.json</c> file in a plugin folder: which assembly to load and which contracts it was built for.
/// </summary>
public sealed record PluginManifest
{
    /// <summary>The file name every plugin folder carries.</summary>
    public const string FileName = "plugin.json";

    /// <summary>A unique, stable id such as <c>diffusion.ddim</c> or <c>acme.my-sampler</c>.</summary>
    [JsonPropertyName("id")]
    public required string Id { get; init; }

    /// <summary>The plugin's own version.</summary>
    [JsonPropertyName("version")]
    public string Version { get; init; } = "0.0.0";

    /// <summary>The contracts version (major.minor) the plugin was built against.</summary>
    [JsonPropertyName("contracts")]
    public required string Contracts { get; init; }

    /// <summary>The main assembly file, relative to the plugin folder (e.g. <c>Acme.Plugin.dll</c>).</summary>
    [JsonPropertyName("assembly")]
    public required string Assembly { get; init; }

    /// <summary>A one-line description shown by <c>diffuse plugins</c>.</summary>
    [JsonPropertyName("description")]
    public string? Description { get; init; }
}
