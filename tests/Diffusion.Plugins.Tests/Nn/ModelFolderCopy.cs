using System.Text.Json.Nodes;
using Diffusion.Plugins.Tests.Infrastructure;
using Diffusion.Torch;
using static TorchSharp.torch;

namespace Diffusion.Plugins.Tests.Nn;

/// <summary>
/// A temporary copy of one of the repository's model fixtures whose config or weights a test changes (SD2-style
/// variants, broken folders). Deleted on Dispose.
/// </summary>
public sealed class ModelFolderCopy : IDisposable
{
    public ModelFolderCopy(string fixture)
    {
        Source = Fixtures.RepositoryPath("models", fixture);
        Folder = Directory.CreateTempSubdirectory($"{fixture}-").FullName;
        foreach (var file in Directory.GetFiles(Source))
        {
            File.Copy(file, Path.Combine(Folder, Path.GetFileName(file)));
        }
    }

    public string Source { get; }

    public string Folder { get; }

    public string ConfigPath => Path.Combine(Folder, "config.json");

    public string WeightsPath => Directory.GetFiles(Folder, "*model*.safetensors").Single();

    public ModelFolderCopy EditConfig(Action<JsonObject> edit)
    {
        var config = (JsonObject)JsonNode.Parse(File.ReadAllText(ConfigPath))!;
        edit(config);
        File.WriteAllText(ConfigPath, config.ToJsonString());
        return this;
    }

    /// <summary>Rewrites the weights file through <paramref name="edit"/>, which may rename, reshape, convert or drop entries.</summary>
    public ModelFolderCopy EditWeights(Func<Dictionary<string, Tensor>, Dictionary<string, Tensor>> edit, string? fileName = null)
    {
        var path = WeightsPath;
        var tensors = SafeTensors.Load(path).ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);
        try
        {
            var edited = edit(tensors);
            File.Delete(path);
            SafeTensors.Save(Path.Combine(Folder, fileName ?? Path.GetFileName(path)), edited);
            foreach (var tensor in edited.Values.Except(tensors.Values))
            {
                tensor.Dispose();
            }
        }
        finally
        {
            foreach (var tensor in tensors.Values)
            {
                tensor.Dispose();
            }
        }

        return this;
    }

    public void Dispose() => Directory.Delete(Folder, recursive: true);
}
