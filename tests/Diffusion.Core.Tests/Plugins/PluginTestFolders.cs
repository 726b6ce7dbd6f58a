using System.Text.Json.Nodes;
using Diffusion.Contracts;

namespace Diffusion.Core.Tests.Plugins;

/// <summary>
/// The plugin folders the loader tests start from (built before this project by its ProjectReferences), and a temp
/// root to assemble variants of them in.
/// </summary>
internal sealed class PluginTestFolders : IDisposable
{
    public PluginTestFolders()
    {
        Root = Directory.CreateTempSubdirectory("diffusion-plugin-tests-").FullName;
    }

    /// <summary>A fresh temp folder, deleted on dispose.</summary>
    public string Root { get; }

    /// <summary>The repository root (the folder holding Pipeline.sln).</summary>
    public static string RepoRoot { get; } = FindRepoRoot();

    /// <summary>The sample third-party plugin's ready folder.</summary>
    public static string HelloPlugin => Built(Path.Combine(RepoRoot, "samples", "HelloPlugin", "bin", "plugin"));

    /// <summary>The plugin whose Register throws halfway.</summary>
    public static string ThrowingPlugin =>
        Built(Path.Combine(RepoRoot, "tests", "Diffusion.Core.Tests", "Plugins", "TestPlugins", "ThrowingPlugin", "bin", "plugin"));

    /// <summary>The built-in Schedules plugin in artifacts/plugins.</summary>
    public static string SchedulesPlugin => Built(Path.Combine(RepoRoot, "artifacts", "plugins", BuildConfiguration, "Diffusion.Plugins.Schedules"));

    /// <summary>Debug or Release: the folder above the test assembly's target-framework folder (bin/Release/net10.0).</summary>
    private static string BuildConfiguration => new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;

    /// <summary>Copies a plugin folder to <c>Root/name</c>, optionally editing its plugin.json.</summary>
    public string Copy(string source, string name, Action<JsonObject>? editManifest = null)
    {
        var target = Path.Combine(Root, name);
        Directory.CreateDirectory(target);
        foreach (var file in Directory.GetFiles(source))
        {
            File.Copy(file, Path.Combine(target, Path.GetFileName(file)));
        }

        if (editManifest is not null)
        {
            var manifestPath = Path.Combine(target, PluginManifest.FileName);
            var manifest = JsonNode.Parse(File.ReadAllText(manifestPath))!.AsObject();
            editManifest(manifest);
            File.WriteAllText(manifestPath, manifest.ToJsonString());
        }

        return target;
    }

    /// <summary>Creates an empty folder <c>Root/name</c>.</summary>
    public string Folder(string name) => Directory.CreateDirectory(Path.Combine(Root, name)).FullName;

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // Loaded plugin assemblies stay mapped for the life of the process on some systems; the OS cleans temp.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private static string Built(string folder)
    {
        if (!File.Exists(Path.Combine(folder, PluginManifest.FileName)))
        {
            throw new InvalidOperationException(
                $"'{folder}' holds no built plugin; Diffusion.Core.Tests.csproj builds it through a ProjectReference. Run 'dotnet build tests/Diffusion.Core.Tests'.");
        }

        return folder;
    }

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Pipeline.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No Pipeline.sln above '{AppContext.BaseDirectory}'.");
    }
}
