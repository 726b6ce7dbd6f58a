using System.Text.Json;
using Microsoft.Extensions.Options;

namespace Diffusion.Server.Runs;

/// <summary>
/// Where runs write: <c>&lt;data&gt;/runs/&lt;id&gt;/</c>, the run's output folder (its <c>--out</c>). The id is made by
/// the server; the folder is created fresh for each attempt.
/// </summary>
internal sealed class RunFolders(IOptions<ServerOptions> options)
{
    public string Root => Path.Combine(Path.GetFullPath(options.Value.DataDirectory), "runs");

    public string Of(string runId) => Path.Combine(Root, runId);

    /// <summary>An empty output folder for a new attempt (what an interrupted attempt wrote is removed).</summary>
    public string Fresh(string runId)
    {
        var folder = Of(runId);
        if (Directory.Exists(folder))
        {
            // The folder is the server's own and holds only what nodes wrote through the containment rules (no links
            // out); Directory.Delete removes links themselves, never their targets.
            Directory.Delete(folder, recursive: true);
        }

        Directory.CreateDirectory(folder);
        return folder;
    }

    /// <summary>Removes a run's folder (retention); a folder already gone is fine.</summary>
    public void Delete(string runId)
    {
        var folder = Of(runId);
        if (Directory.Exists(folder))
        {
            // As in Fresh: the folder is the server's own; links inside are removed, never followed.
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>The regular files a run wrote, as names relative to its folder (with <c>/</c>) and sizes.</summary>
    public IReadOnlyList<RunOutput> List(string runId)
    {
        var folder = Of(runId);
        if (!Directory.Exists(folder))
        {
            return [];
        }

        return [.. new DirectoryInfo(folder)
            .EnumerateFiles("*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.ReparsePoint, IgnoreInaccessible = true })
            .Where(f => !f.Name.StartsWith(".tmp", StringComparison.Ordinal))
            .Select(f => new RunOutput(Path.GetRelativePath(folder, f.FullName).Replace(Path.DirectorySeparatorChar, '/'), f.Length))
            .OrderBy(o => o.Name, StringComparer.Ordinal)];
    }

    public static string Serialize(IReadOnlyList<RunOutput> outputs) => JsonSerializer.Serialize(outputs, ServerJson.Options);

    public static IReadOnlyList<RunOutput> Deserialize(string? json) =>
        json is null ? [] : JsonSerializer.Deserialize<List<RunOutput>>(json, ServerJson.Options) ?? [];
}

/// <summary>A file a run wrote.</summary>
/// <param name="Name">Its path relative to the run's folder, with <c>/</c>.</param>
/// <param name="Bytes">Its size.</param>
public sealed record RunOutput(string Name, long Bytes);
