using Diffusion.Contracts;

namespace Diffusion.Core.Plugins;

/// <summary>
/// Turns the plugin paths a host was given into plugin folders. A path is either a plugin folder itself (it holds
/// <c>plugin.json</c>) or a root whose subfolders are plugin folders (<c>artifacts/plugins</c>, the CLI's
/// <c>plugins/</c>). Subfolders are taken in ordinal name order so that load order, and with it which of two
/// clashing plugins wins, is the same on every machine.
/// </summary>
internal static class PluginFolderScanner
{
    /// <summary>A folder to load, or a path that could not be used.</summary>
    internal readonly record struct Candidate(string Folder, PluginFailure? Failure);

    public static IEnumerable<Candidate> Expand(IEnumerable<string> pluginPaths)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var path in pluginPaths)
        {
            if (string.IsNullOrWhiteSpace(path))
            {
                continue;
            }

            var full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(path));
            if (!Directory.Exists(full))
            {
                yield return new Candidate(full, new PluginFailure(full, null, PluginFailureKind.MissingManifest,
                    $"Plugin path '{full}' does not exist. Check the plugin paths given to the host (diffuse --plugins, " +
                    "DiffusionOptions.PluginPaths), or build the plugins first (dotnet build)."));
                continue;
            }

            if (File.Exists(Path.Combine(full, PluginManifest.FileName)))
            {
                if (seen.Add(full))
                {
                    yield return new Candidate(full, null);
                }

                continue;
            }

            if (!TryListSubfolders(full, out var subfolders, out var error))
            {
                yield return new Candidate(full, new PluginFailure(full, null, PluginFailureKind.MissingManifest,
                    $"Plugin path '{full}' cannot be read ({error}). Check its permissions, or remove it from the plugin paths."));
                continue;
            }

            foreach (var folder in subfolders)
            {
                var folderFull = Path.GetFullPath(folder);
                if (seen.Add(folderFull))
                {
                    yield return new Candidate(folderFull, null);
                }
            }
        }
    }

    private static bool TryListSubfolders(string root, out IReadOnlyList<string> subfolders, out string? error)
    {
        try
        {
            subfolders = [.. Directory.GetDirectories(root).Order(StringComparer.Ordinal)];
            error = null;
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            subfolders = [];
            error = ex.Message;
            return false;
        }
    }
}
