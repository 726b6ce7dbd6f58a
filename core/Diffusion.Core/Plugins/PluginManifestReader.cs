using System.Globalization;
using System.Text.Json;
using Diffusion.Contracts;

namespace Diffusion.Core.Plugins;

/// <summary>Reads and checks a folder's <c>plugin.json</c>: fields present, assembly inside the folder, a parseable contracts version.</summary>
internal static class PluginManifestReader
{
    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNameCaseInsensitive = true,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };

    /// <summary>A manifest that passed the checks, with its parsed contracts version and main assembly path.</summary>
    internal sealed record ValidManifest(PluginManifest Manifest, Version ContractsVersion, string AssemblyPath);

    public static ValidManifest? TryRead(string folder, out PluginFailure? failure)
    {
        var manifestPath = Path.Combine(folder, PluginManifest.FileName);
        if (!File.Exists(manifestPath))
        {
            failure = new PluginFailure(folder, null, PluginFailureKind.MissingManifest,
                $"No {PluginManifest.FileName} in plugin folder '{folder}'. A plugin folder holds a plugin's build output " +
                $"with the {PluginManifest.FileName} its build writes; rebuild the plugin into this folder, or remove the " +
                "folder from the plugin path.");
            return null;
        }

        PluginManifest? manifest;
        try
        {
            // A regular file of at most 1 MiB: a FIFO or device named plugin.json would otherwise hang or flood the host at start.
            manifest = JsonSerializer.Deserialize<PluginManifest>(Diffusion.Torch.Files.SafeFile.ReadAllText(manifestPath, 1 << 20, "Plugin manifest"), JsonOptions);
        }
        catch (Exception ex) when (ex is JsonException or IOException or UnauthorizedAccessException)
        {
            failure = Invalid(folder, null, manifestPath, ex is JsonException json ? Diffusion.Torch.Files.JsonErrors.Describe(json) : ex.Message);
            return null;
        }

        if (manifest is null)
        {
            failure = Invalid(folder, null, manifestPath, "the file holds no JSON object");
            return null;
        }

        if (string.IsNullOrWhiteSpace(manifest.Id))
        {
            failure = Invalid(folder, null, manifestPath, "\"id\" is empty");
            return null;
        }

        // Ids and versions are printed in listings and messages: no escape sequences or line breaks.
        if (manifest.Id.Any(char.IsControl) || (manifest.Version ?? "").Any(char.IsControl))
        {
            failure = Invalid(folder, null, manifestPath, "\"id\" or \"version\" contains control characters (escape sequences, line breaks)");
            return null;
        }

        if (!TryParseContracts(manifest.Contracts, out var contracts))
        {
            failure = Invalid(folder, manifest.Id, manifestPath,
                $"\"contracts\" is '{manifest.Contracts}', expected a version such as \"{ContractsVersion.Major}.{ContractsVersion.Minor}\"");
            return null;
        }

        if (string.IsNullOrWhiteSpace(manifest.Assembly) || Path.IsPathRooted(manifest.Assembly))
        {
            failure = Invalid(folder, manifest.Id, manifestPath,
                $"\"assembly\" is '{manifest.Assembly}', expected the main assembly's file name relative to the plugin folder");
            return null;
        }

        var assemblyPath = Path.GetFullPath(Path.Combine(folder, manifest.Assembly));
        if (!assemblyPath.StartsWith(Path.TrimEndingDirectorySeparator(folder) + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            failure = Invalid(folder, manifest.Id, manifestPath,
                $"\"assembly\" ('{manifest.Assembly}') points outside the plugin folder; a plugin loads only its own files");
            return null;
        }

        failure = null;
        return new ValidManifest(manifest, contracts, assemblyPath);
    }

    /// <summary>Parses "1.0", "1.0.0" or "1" (major only means minor 0).</summary>
    internal static bool TryParseContracts(string? text, out Version version)
    {
        version = new Version(0, 0);
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var majorOnly))
        {
            version = new Version(majorOnly, 0);
            return true;
        }

        if (Version.TryParse(text, out var parsed))
        {
            version = new Version(parsed.Major, parsed.Minor);
            return true;
        }

        return false;
    }

    private static PluginFailure Invalid(string folder, string? pluginId, string manifestPath, string what) =>
        new(folder, pluginId, PluginFailureKind.InvalidManifest,
            $"Plugin manifest '{manifestPath}' is invalid: {what}. It needs \"id\", \"version\", \"contracts\" and " +
            "\"assembly\" (see docs/plugin-authoring.md); rebuild the plugin to regenerate it, or fix the file.");
}
