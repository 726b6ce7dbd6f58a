using Microsoft.Extensions.Options;

namespace Diffusion.Server.Runs;

/// <summary>
/// The named pipelines: the <c>*.json</c> files directly in <see cref="ServerOptions.PipelineDirectory"/>. A requested
/// name is looked up among the files listed, never joined to a path, so no name reaches the file system.
/// </summary>
internal sealed class PipelineCatalog(IOptions<ServerOptions> options)
{
    /// <summary>The names offered (file names without <c>.json</c>), sorted.</summary>
    public IReadOnlyList<string> Names => [.. Files().Keys.Order(StringComparer.Ordinal)];

    /// <summary>The file of a named pipeline, or null when there is no such name.</summary>
    public string? Find(string name) => Files().GetValueOrDefault(name);

    private Dictionary<string, string> Files()
    {
        var folder = options.Value.PipelineDirectory;
        if (folder is null || !Directory.Exists(folder))
        {
            return new Dictionary<string, string>(StringComparer.Ordinal);
        }

        return new DirectoryInfo(folder)
            .EnumerateFiles("*.json", new EnumerationOptions { RecurseSubdirectories = false, AttributesToSkip = FileAttributes.ReparsePoint | FileAttributes.Hidden })
            .ToDictionary(f => Path.GetFileNameWithoutExtension(f.Name), f => f.FullName, StringComparer.Ordinal);
    }
}
